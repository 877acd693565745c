/**
 * The references the SQL goals are judged against: a bare loop of the same
 * driver doing the same transaction on the same server, with the same workers
 * (each its own connection, closed loop), and nothing else: no history, no
 * planner, no per-operation deadline, no checkers. What separates the harness's
 * figure from this one is therefore exactly what the harness costs a user who
 * drives that driver through it. pgbench and mariadb-slap are C clients with
 * libraries of their own, so they differ in the driver too and are only shown
 * beside (context).
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionInfo } from '../../harness/core/database.ts';
import { withRetry } from '../../harness/core/retry.ts';
import {
  connectMariaDb,
  connectPostgres,
  type MariaDbConnection,
  type PostgresClient,
} from '../../harness/providers/db.ts';
import { emailForKey, UPSERT } from '../../targets/mariadb-upsert/index.ts';
import { idOfKey, READ, VERSIONED_UPDATE } from '../../targets/postgres-versioning/index.ts';

/** One upsert as the target's `correct` create runs it: the same statement and values, a deadlock retried. */
export async function upsert(connection: MariaDbConnection, email: string, uuid: string): Promise<void> {
  const [firstName, lastName] = ['Antonio', 'Alexander'];
  const values = [uuid, firstName, lastName, email, firstName, lastName];
  const { value: rows } = await withRetry(async () => (await connection.execute(UPSERT, values))[0]);
  if (!Array.isArray(rows) || rows.length === 0) throw new Error('bare loop: upsert returned no row');
}

/** One transaction as the target's `correct` mutate runs it: the same named statements, in array mode. */
export async function versionedUpdate(client: PostgresClient, id: number, token: string): Promise<void> {
  const read = await client.query<[number, string]>({ ...READ, values: [id], rowMode: 'array' });
  const version = read.rows[0]?.[0];
  if (version === undefined) throw new Error(`bare loop: no employee with id ${id}`);
  await client.query<[number]>({
    ...VERSIONED_UPDATE,
    values: [id, Number(version), token],
    rowMode: 'array',
  });
}

/**
 * postgres-versioning's `correct` mutate, `workers` connections for `seconds`:
 * read a uniformly random one of `rows` rows, then update it if its version is
 * unchanged (a conflict, 0 rows, counts as a transaction, as the harness's
 * figure counts ok and fail). Transactions per second of the run's length, as
 * the harness's figure is measured.
 */
export async function barePostgresVersionedUpdate(
  database: ConnectionInfo,
  options: { workers: number; rows: number; seconds: number },
): Promise<number> {
  const clients = await Promise.all(Array.from({ length: options.workers }, () => connectPostgres(database)));
  let transactions = 0;
  try {
    const deadline = performance.now() + options.seconds * 1000;
    await Promise.all(
      clients.map(async (client, worker) => {
        for (let index = 0; performance.now() < deadline; index++) {
          await versionedUpdate(
            client,
            idOfKey(Math.floor(Math.random() * options.rows)),
            `w${worker}-${index}`,
          );
          transactions++;
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
  }
  return transactions / options.seconds;
}

/**
 * mariadb-upsert's `correct` create, `upserts` of them split evenly over
 * `workers` connections: the upsert of a uniformly random one of `emails`
 * with a fresh uuid, through mysql2's `execute`, a deadlock retried as the
 * target retries it (withRetry). Upserts per second from the first call to
 * the last answer, as the harness's figure is measured.
 */
export async function bareMariadbUpsert(
  database: ConnectionInfo,
  options: { workers: number; upserts: number; emails: number },
): Promise<number> {
  const connections = await Promise.all(
    Array.from({ length: options.workers }, () => connectMariaDb(database)),
  );
  const perWorker = options.upserts / options.workers;
  try {
    const started = performance.now();
    await Promise.all(
      connections.map(async (connection) => {
        for (let done = 0; done < perWorker; done++) {
          await upsert(connection, emailForKey(Math.floor(Math.random() * options.emails)), randomUUID());
        }
      }),
    );
    return (perWorker * options.workers) / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(connections.map((connection) => connection.end().catch(() => {})));
  }
}
