/**
 * Elle's workloads on a real database: random transactions of list appends
 * and whole-list reads (table `lists`) and of unique register writes and
 * reads (table `registers`), run at the isolation level the variant names,
 * and judged by the list-append and rw-register checkers against the
 * consistency model that level promises (levels.ts).
 *
 * Broken variant `reads-outside-transaction`: the transaction runs at
 * serializable, but its reads go through a second connection, outside it, as
 * code does that reads through a pool while it holds a transaction open. It
 * misses its own writes and sees others' in the middle of its transaction.
 */
import { transactional } from '../../harness/checkers/transactional/checker.ts';
import type { MicroOp } from '../../harness/checkers/transactional/list-append.ts';
import type { RegisterOp } from '../../harness/checkers/transactional/rw-register.ts';
import { classifyError, errorMessage } from '../../harness/core/outcomes.ts';
import { defineTarget, fail, ok, type TargetContext, type VariantInfo } from '../../harness/core/target.ts';
import { MAX_WORKERS } from '../../harness/core/workload.ts';
import { adminQuery, connectMariaDb, connectPostgres } from '../../harness/providers/db.ts';
import { LEVELS, levelOf, type TxnDatabase } from './levels.ts';

const BROKEN = 'reads-outside-transaction';
/** Operations a worker plans before its keys move on, so lists stay short (Elle retires keys the same way). */
const OPERATIONS_PER_KEY_GENERATION = 16;
const MAX_MICRO_OPS = 4;
const LOCK_TIMEOUT_MS = 100;

/** One connection's statements as rows, whichever the database. */
interface Sql {
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  end(): Promise<void>;
}

interface TxnClient {
  sql: Sql;
  /** Where reads go: the transaction's own connection, or (broken variant) another one. */
  reads: Sql;
}

/** A connection whose session runs every transaction at `level`, once set, as the isolation probes' do. */
async function connect(database: TxnDatabase, ctx: TargetContext, level: string): Promise<Sql> {
  let sql: Sql;
  if (database === 'postgres') {
    const client = await connectPostgres(ctx.database);
    sql = { rows: async (text, params) => (await client.query(text, params)).rows, end: () => client.end() };
  } else {
    const connection = await connectMariaDb(ctx.database);
    sql = {
      rows: async (text, params) => {
        const [rows] = await connection.query(text, params);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      end: () => connection.end(),
    };
  }
  try {
    for (const statement of STATEMENTS[database].session(level)) await sql.rows(statement);
  } catch (error) {
    await sql.end().catch(() => {});
    throw error;
  }
  return sql;
}

/** The statements of each micro-operation, in each database's dialect. */
const STATEMENTS = {
  postgres: {
    session: (level: string) => [
      `SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ${level}`,
      // Transactions that append to keys in different orders deadlock, and Postgres looks for
      // deadlocks only after deadlock_timeout (1 s): give up on a lock sooner, as an abort.
      `SET lock_timeout = '${LOCK_TIMEOUT_MS}ms'`,
    ],
    append:
      "INSERT INTO lists (k, elements) VALUES ($1, $2::text) ON CONFLICT (k) DO UPDATE SET elements = lists.elements || ',' || $2::text",
    readList: 'SELECT elements FROM lists WHERE k = $1',
    write: 'INSERT INTO registers (k, value) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET value = $2',
    readRegister: 'SELECT value FROM registers WHERE k = $1',
    tables: [
      'CREATE TABLE lists (k BIGINT PRIMARY KEY, elements TEXT NOT NULL)',
      'CREATE TABLE registers (k BIGINT PRIMARY KEY, value BIGINT NOT NULL)',
    ],
  },
  mariadb: {
    session: (level: string) => [`SET SESSION TRANSACTION ISOLATION LEVEL ${level}`],
    append:
      "INSERT INTO lists (k, elements) VALUES (?, ?) ON DUPLICATE KEY UPDATE elements = CONCAT(elements, ',', VALUES(elements))",
    readList: 'SELECT elements FROM lists WHERE k = ?',
    write: 'INSERT INTO registers (k, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)',
    readRegister: 'SELECT value FROM registers WHERE k = ?',
    tables: [
      'CREATE TABLE lists (k BIGINT PRIMARY KEY, elements MEDIUMTEXT NOT NULL) ENGINE = InnoDB',
      'CREATE TABLE registers (k BIGINT PRIMARY KEY, value BIGINT NOT NULL) ENGINE = InnoDB',
    ],
  },
} as const;

type Workload = 'list-append' | 'rw-register';
type AnyOp = MicroOp | RegisterOp;

async function microOp(
  database: TxnDatabase,
  client: TxnClient,
  workload: Workload,
  op: AnyOp,
): Promise<AnyOp> {
  const sql = STATEMENTS[database];
  const [f, key, value] = op;
  if (f !== 'r') {
    await client.sql.rows(f === 'append' ? sql.append : sql.write, [key, value]);
    return op;
  }
  const rows = await client.reads.rows(workload === 'list-append' ? sql.readList : sql.readRegister, [key]);
  const row = rows[0];
  if (workload === 'rw-register') return ['r', key, row ? Number(row.value) : null];
  return ['r', key, row ? String(row.elements).split(',').map(Number) : []];
}

/**
 * One transaction: begin (at the session's level), each micro-operation, commit. An
 * error the database answered (serialization failure, deadlock) means it
 * rolled back: `fail`. Any other (a dropped connection, even during COMMIT)
 * leaves the outcome unknown: thrown, so it is recorded as `info`.
 */
async function transaction(database: TxnDatabase, client: TxnClient, workload: Workload, ops: AnyOp[]) {
  await client.sql.rows('BEGIN');
  try {
    const completed: AnyOp[] = [];
    for (const op of ops) completed.push(await microOp(database, client, workload, op));
    await client.sql.rows('COMMIT');
    return ok(completed);
  } catch (error) {
    if (classifyError(error) !== 'fail') throw error;
    // MariaDB rolls back only the statement on a lock wait timeout: end the transaction whole. If
    // that fails, its writes may still commit later: unknown (info), and the worker reconnects.
    await client.sql.rows('ROLLBACK').catch((rollback) => {
      throw new Error(`ROLLBACK after "${errorMessage(error)}" failed: ${errorMessage(rollback)}`);
    });
    return fail(errorMessage(error));
  }
}

/** What the checkers judge the history against: the model the run's level promises. */
interface TxnState {
  level: string;
  holds: ReturnType<typeof levelOf>['holds'];
}

function txnTarget(database: TxnDatabase) {
  const variants: Record<string, VariantInfo> = Object.fromEntries(
    LEVELS[database].map((level) => [
      level.variant,
      { description: `${level.sql}, held to ${level.holds} (${level.why})`, broken: false },
    ]),
  );
  variants[BROKEN] = {
    description:
      'SERIALIZABLE transactions whose reads go through another connection, outside the transaction',
    broken: true,
  };
  const run = (workload: Workload) => (client: TxnClient, args: AnyOp[]) =>
    transaction(database, client, workload, args);
  return defineTarget<TxnClient, TxnState>({
    name: `${database}-txn`,
    description: `${database === 'postgres' ? 'Postgres' : 'MariaDB'} list-append and read-write register transactions at each isolation level, judged by Elle's method`,
    database,
    variants,
    setup: (ctx) => adminQuery(ctx.database, [...STATEMENTS[database].tables]),
    async connect(ctx) {
      const level = levelOf(database, ctx.variant).sql;
      const sql = await connect(database, ctx, level);
      if (ctx.variant !== BROKEN) return { sql, reads: sql };
      try {
        return { sql, reads: await connect(database, ctx, level) };
      } catch (error) {
        await sql.end().catch(() => {});
        throw error;
      }
    },
    async disconnect(client) {
      await client.sql.end().catch(() => {});
      if (client.reads !== client.sql) await client.reads.end().catch(() => {});
    },
    operations: { 'list-append': run('list-append'), 'rw-register': run('rw-register') },
    plan: ({ rng, worker, index, keyCount, chooseKey }) => {
      const workload: Workload = rng.chance(0.5) ? 'list-append' : 'rw-register';
      // Keys move on every few operations; workers plan in step, so they share them meanwhile.
      const generation = Math.floor(index / OPERATIONS_PER_KEY_GENERATION) * keyCount;
      // Unique per run: no two operations share (index, worker), and each writes at most MAX_MICRO_OPS values.
      const unique = (index * MAX_WORKERS + worker) * MAX_MICRO_OPS;
      const ops: AnyOp[] = Array.from({ length: 1 + rng.int(MAX_MICRO_OPS) }, (_, j) => {
        const key = generation + chooseKey();
        if (rng.chance(0.5)) return ['r', key, null];
        return [workload === 'list-append' ? 'append' : 'w', key, unique + j] as AnyOp;
      });
      return { op: workload, args: ops };
    },
    finalState: async (ctx) => {
      const level = levelOf(database, ctx.variant);
      return { level: level.sql, holds: level.holds };
    },
    checkers: (['list-append', 'rw-register'] as const).map((workload) =>
      transactional<TxnState>({ workload, consistency: (state) => state.holds }),
    ),
  });
}

export const postgresTxn = txnTarget('postgres');
export const mariadbTxn = txnTarget('mariadb');
