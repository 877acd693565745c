/**
 * kill-connection / kill-query: end the server-side sessions (or just their
 * running statements) on the run's database: the scratch database, or the
 * database a user's service names as its own. Postgres: pg_terminate_backend
 * / pg_cancel_backend; MariaDB: KILL CONNECTION / KILL QUERY. Instantaneous:
 * the window only marks when it happened, and clients reconnect on their next
 * operation. One that ended nothing says so (`reachedNothing`).
 */
import { connectMariaDb, connectPostgres } from '../providers/db.ts';
import type { FaultAction, FaultEnvironment, SessionTarget } from './types.ts';

function sessionsOf(env: FaultEnvironment): SessionTarget {
  if (!env.sessions)
    throw new Error(
      'no database to end sessions on: the target has none, and its service names no databaseUrl',
    );
  return env.sessions;
}

async function killSessions(env: FaultEnvironment, what: 'connection' | 'query'): Promise<number> {
  const { login, database } = sessionsOf(env);
  if (login.kind === 'postgres') {
    const client = await connectPostgres(login);
    try {
      const fn = what === 'connection' ? 'pg_terminate_backend' : 'pg_cancel_backend';
      const result = await client.query(
        `SELECT ${fn}(pid) AS done FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          ${what === 'query' ? "AND state = 'active'" : ''}`,
        [database],
      );
      return result.rows.filter((r) => r.done).length;
    } finally {
      await client.end().catch(() => {});
    }
  }
  const connection = await connectMariaDb(login);
  try {
    const [rows] = await connection.query(
      `SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID() ${what === 'query' ? "AND command = 'Query'" : ''}`,
      [database],
    );
    let killed = 0;
    for (const { id } of rows as { id: number }[]) {
      // A session may end by itself between the list and the kill.
      await connection.query(`KILL ${what === 'connection' ? 'CONNECTION' : 'QUERY'} ${Number(id)}`).then(
        () => killed++,
        () => {},
      );
    }
    return killed;
  } finally {
    await connection.end().catch(() => {});
  }
}

/** The detail of a kill: how many, and whether that was none. */
function killed(
  field: 'killed' | 'cancelled',
  count: number,
  env: FaultEnvironment,
): Record<string, unknown> {
  if (count > 0) return { [field]: count };
  const what = field === 'killed' ? 'sessions' : 'running statements';
  return { [field]: 0, reachedNothing: `no ${what} on database ${sessionsOf(env).database} to end` };
}

export const killConnection: FaultAction = {
  start: async (env) => killed('killed', await killSessions(env, 'connection'), env),
  stop: async () => {},
};

export const killQuery: FaultAction = {
  start: async (env) => killed('cancelled', await killSessions(env, 'query'), env),
  stop: async () => {},
};
