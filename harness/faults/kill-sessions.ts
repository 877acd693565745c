/**
 * kill-connection / kill-query: end the workers' server-side sessions (or
 * just their running statements) on the run's database. Postgres:
 * pg_terminate_backend / pg_cancel_backend; MariaDB: KILL CONNECTION /
 * KILL QUERY. Instantaneous: the window only marks when it happened, and the
 * workers reconnect on their next operation.
 */
import { connectMariaDb, connectPostgres } from '../providers/db.ts';
import type { FaultAction, FaultEnvironment } from './types.ts';

async function killSessions(env: FaultEnvironment, what: 'connection' | 'query'): Promise<number> {
  const { server, database } = env;
  if (server.kind === 'postgres') {
    const client = await connectPostgres(server.admin);
    try {
      const fn = what === 'connection' ? 'pg_terminate_backend' : 'pg_cancel_backend';
      const result = await client.query(
        `SELECT ${fn}(pid) AS done FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          ${what === 'query' ? "AND state = 'active'" : ''}`,
        [database.database],
      );
      return result.rows.filter((r) => r.done).length;
    } finally {
      await client.end().catch(() => {});
    }
  }
  const connection = await connectMariaDb(server.admin);
  try {
    const [rows] = await connection.query(
      `SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID() ${what === 'query' ? "AND command = 'Query'" : ''}`,
      [database.database],
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

export const killConnection: FaultAction = {
  start: async (env) => ({ killed: await killSessions(env, 'connection') }),
  stop: async () => {},
};

export const killQuery: FaultAction = {
  start: async (env) => ({ cancelled: await killSessions(env, 'query') }),
  stop: async () => {},
};
