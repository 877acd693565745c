/**
 * Durability under crashes: workers insert rows as fast as they can while the
 * nemesis SIGKILLs the whole database server and restarts it. With the
 * default settings every acknowledged insert survives. The broken variants
 * acknowledge commits before they are on disk:
 * - MariaDB `innodb_flush_log_at_trx_commit=0` (the log buffer is written
 *   about once a second, so a crash loses the last second of commits);
 * - Postgres `synchronous_commit=off` with `fsync=off` (commits return before
 *   their WAL leaves shared memory).
 */
import { type DurableState, durability } from '../../harness/checkers/durability.ts';
import { DATABASE_NAMES, type DatabaseKind, type ServerSettings } from '../../harness/core/database.ts';
import { defineTarget, ok, type TargetDefinition } from '../../harness/core/target.ts';
import {
  adminQuery,
  connectMariaDb,
  connectPostgres,
  type MariaDbConnection,
} from '../../harness/providers/db.ts';

const TABLE =
  'CREATE TABLE writes (id BIGINT NOT NULL PRIMARY KEY, worker INT NOT NULL, payload TEXT NOT NULL)';
const INSERT_POSTGRES = {
  name: 'durable-insert',
  text: 'INSERT INTO writes (id, worker, payload) VALUES ($1, $2, $3)',
};

/** Ids unique across workers: worker w's n-th write is w * 1e9 + n. */
const writeId = (worker: number, index: number) => worker * 1_000_000_000 + index;

interface DurableClient {
  insert(id: number, worker: number, payload: string): Promise<void>;
  end(): Promise<void>;
}

async function connect(
  kind: DatabaseKind,
  info: Parameters<typeof connectMariaDb>[0],
): Promise<DurableClient> {
  if (kind === 'postgres') {
    const connection = await connectPostgres(info);
    return {
      insert: async (id, worker, payload) => {
        await connection.query({ ...INSERT_POSTGRES, values: [id, worker, payload] });
      },
      end: () => connection.end(),
    };
  }
  const connection: MariaDbConnection = await connectMariaDb(info);
  return {
    insert: async (id, worker, payload) => {
      await connection.query('INSERT INTO writes (id, worker, payload) VALUES (?, ?, ?)', [
        id,
        worker,
        payload,
      ]);
    },
    end: () => connection.end(),
  };
}

const BROKEN: Record<DatabaseKind, { name: string; description: string; settings: ServerSettings }> = {
  mariadb: {
    name: 'flush-log-once-a-second',
    description: 'innodb_flush_log_at_trx_commit=0: commits are acknowledged before the redo log is written',
    settings: { mariadbArgs: ['--innodb-flush-log-at-trx-commit=0'] },
  },
  postgres: {
    name: 'async-commit-no-fsync',
    description: 'synchronous_commit=off and fsync=off: commits are acknowledged before their WAL is written',
    settings: { postgresSettings: { synchronous_commit: 'off', fsync: 'off' } },
  },
};

export function durableWritesTarget(kind: DatabaseKind): TargetDefinition<DurableClient, DurableState> {
  const broken = BROKEN[kind];
  return defineTarget<DurableClient, DurableState>({
    name: `${kind}-durable-writes`,
    description: `${DATABASE_NAMES[kind]} inserts that must survive a crash of the whole server`,
    database: kind,
    variants: {
      correct: {
        description: 'default durability settings: a commit is on disk before it is acknowledged',
        broken: false,
      },
      [broken.name]: { description: broken.description, broken: true },
    },
    serverSettings: (variant) => (variant === broken.name ? broken.settings : undefined),
    async setup(ctx) {
      await adminQuery(ctx.database, [TABLE]);
    },
    connect: (ctx) => connect(kind, ctx.database),
    disconnect: (client) => client.end(),
    operations: {
      async write(client, args: { id: number; worker: number; payload: string }) {
        await client.insert(args.id, args.worker, args.payload);
        return ok();
      },
    },
    plan: ({ worker, index }) => ({
      op: 'write',
      args: { id: writeId(worker, index), worker, payload: `w${worker}-${index}` },
    }),
    async finalState(ctx) {
      if (kind === 'postgres') {
        const client = await connectPostgres(ctx.database);
        try {
          return { ids: (await client.query('SELECT id FROM writes')).rows.map((r) => Number(r.id)) };
        } finally {
          await client.end();
        }
      }
      const connection = await connectMariaDb(ctx.database);
      try {
        const [rows] = await connection.query('SELECT id FROM writes');
        return { ids: (rows as { id: number }[]).map((r) => Number(r.id)) };
      } finally {
        await connection.end();
      }
    },
    checkers: [durability()],
  });
}

export const mariadbDurableWrites = durableWritesTarget('mariadb');
export const postgresDurableWrites = durableWritesTarget('postgres');
