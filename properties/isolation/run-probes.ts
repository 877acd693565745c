/**
 * Runs every isolation probe at every isolation level of a database through
 * the interleaving scheduler, each on a fresh database, and tabulates which
 * anomalies each level prevents.
 */
import type mysql from 'mysql2/promise';
import type { ProbeResult } from '../../harness/core/results.ts';
import { defineTarget, fail, ok } from '../../harness/core/target.ts';
import { textTable } from '../../harness/core/text-table.ts';
import {
  adminQuery,
  connectMariaDb,
  connectPostgres,
  type PostgresClient,
} from '../../harness/providers/db.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { runScheduled } from '../scheduler/scheduled-run.ts';
import {
  ISOLATION_LEVELS,
  type Observation,
  PROBES,
  type Probe,
  probeLabel,
  type StatementResult,
} from './probes.ts';

type Kind = 'postgres' | 'mariadb';
type Connection = PostgresClient | mysql.Connection;

async function rowsOf(kind: Kind, connection: Connection, sql: string): Promise<[number, number][]> {
  if (kind === 'postgres') {
    const result = await (connection as PostgresClient).query(sql);
    return (result.rows ?? []).map((r: { id: number; value: number }) => [Number(r.id), Number(r.value)]);
  }
  const [rows] = await (connection as mysql.Connection).query(sql);
  return Array.isArray(rows)
    ? (rows as { id: number; value: number }[]).map((r) => [Number(r.id), Number(r.value)])
    : [];
}

/** A throwaway target whose one operation runs a transaction statement by statement, recording each result. */
function probeTarget(kind: Kind, level: string) {
  return defineTarget<Connection, null>({
    name: `isolation-${kind}`,
    description: 'isolation probe',
    database: kind,
    variants: { correct: { description: level, broken: false } },
    // Two rows every probe reads and writes.
    setup: (ctx) =>
      adminQuery(ctx.database, [
        kind === 'postgres'
          ? 'CREATE TABLE test (id INT PRIMARY KEY, value INT NOT NULL)'
          : 'CREATE TABLE test (id INT PRIMARY KEY, value INT NOT NULL) ENGINE = InnoDB',
        'INSERT INTO test VALUES (1, 10), (2, 20)',
      ]),
    async connect(ctx) {
      if (kind === 'postgres') {
        const client = await connectPostgres(ctx.database);
        await client.query(
          `SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ${level.toUpperCase()}`,
        );
        return client;
      }
      const connection = await connectMariaDb(ctx.database);
      await connection.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${level.toUpperCase()}`);
      return connection;
    },
    disconnect: (c) => c.end(),
    operations: {
      async transaction(connection, args: { statements: string[] }) {
        const results: StatementResult[] = [];
        for (const sql of args.statements) {
          try {
            results.push({ rows: await rowsOf(kind, connection, sql) });
          } catch (error) {
            results.push({ error: (error as Error).message });
            // The transaction is over; release its locks so the others can finish.
            await rowsOf(kind, connection, 'ROLLBACK').catch(() => {});
            return fail((error as Error).message, { results });
          }
        }
        return ok({ results });
      },
    },
    plan: () => ({ op: 'transaction', args: { statements: [] } }),
    finalState: async () => null,
    checkers: [],
  });
}

export async function runProbe(
  kind: Kind,
  level: string,
  probe: Probe,
  pool: ServerPool,
): Promise<ProbeResult> {
  const run = {
    target: probeTarget(kind, level),
    variant: 'correct',
    seed: 1,
    keys: 1,
    programs: probe.transactions.map((statements) => [
      { op: 'transaction', args: { statements: ['BEGIN', ...statements] } },
    ]),
    schedule: probe.schedule,
  };
  return runScheduled(run, pool, async (outcome, ctx) => {
    const byClient = probe.transactions.map((_, client) =>
      outcome.operations.find((o) => o.client === client),
    );
    const observation: Observation = {
      results: byClient.map((o) => (o?.value as { results?: StatementResult[] } | undefined)?.results ?? []),
      committed: byClient.map(
        (o, client) => o?.outcome === 'ok' && probe.transactions[client]!.at(-1) === 'COMMIT',
      ),
      final: [],
    };
    const reader = await (kind === 'postgres' ? connectPostgres(ctx.database) : connectMariaDb(ctx.database));
    try {
      observation.final = await rowsOf(kind, reader, 'SELECT id, value FROM test ORDER BY id');
    } finally {
      await reader.end();
    }
    const allowed = probe.anomaly(observation);
    const errors = byClient
      .filter((o) => o?.outcome !== 'ok')
      .map((o) => `client ${o?.client}: ${o?.error ?? 'no outcome'}`);
    const blocked = outcome.trace.filter((s) => s.result === 'blocked').length;
    return {
      database: kind,
      level,
      probe: probe.name,
      ...(probe.subCase ? { subCase: probe.subCase } : {}),
      verdict: allowed ? 'allowed' : 'prevented',
      detail: allowed
        ? 'anomaly observed'
        : errors.length > 0
          ? `aborted (${errors.join('; ')})`
          : blocked > 0
            ? `${blocked} statement(s) waited for a lock`
            : 'not visible to the transactions',
    };
  });
}

export async function runIsolationProbes(
  kinds: Kind[],
  pool: ServerPool,
  onResult: (result: ProbeResult) => void = () => {},
  signal?: AbortSignal,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const kind of kinds)
    for (const level of ISOLATION_LEVELS[kind])
      for (const probe of PROBES) {
        if (signal?.aborted) return results; // interrupted: what was probed is kept
        const result = await runProbe(kind, level, probe, pool);
        results.push(result);
        onResult(result);
      }
  return results;
}

/**
 * What the probes say of one anomaly at one level, over its sub-cases:
 * allowed when any sub-case showed it, and "read-only only" when the level
 * prevented it for read-only transactions alone (MySQL's repeatable read and
 * read skew on a write predicate).
 */
export function anomalyVerdict(
  results: readonly ProbeResult[],
  database: string,
  level: string,
  anomaly: string,
): 'allowed' | 'prevented' | 'read-only only' | undefined {
  const cases = results.filter((r) => r.database === database && r.level === level && r.probe === anomaly);
  if (cases.length === 0) return undefined;
  const allowed = cases.filter((r) => r.verdict === 'allowed');
  if (allowed.length === 0) return 'prevented';
  const readOnly = (r: ProbeResult) =>
    PROBES.find((p) => p.name === r.probe && p.subCase === r.subCase)?.readOnly === true;
  const readOnlyCases = cases.filter(readOnly);
  if (readOnlyCases.length > 0 && readOnlyCases.every((r) => r.verdict === 'prevented'))
    return 'read-only only';
  return 'allowed';
}

/**
 * The table: a row per probe (anomaly and sub-case), a column per database
 * and level; an anomaly with sub-cases gets a summary row (`G-single, any`).
 */
export function formatIsolationTable(results: ProbeResult[]): string {
  const columns = [...new Set(results.map((r) => `${r.database} ${r.level}`))];
  const probed = PROBES.filter((p) =>
    results.some((r) => r.probe === p.name && (r.subCase ?? undefined) === p.subCase),
  );
  const rows: string[][] = [];
  for (const [i, p] of probed.entries()) {
    rows.push([
      probeLabel(p),
      ...columns.map(
        (c) =>
          results.find(
            (r) => r.probe === p.name && r.subCase === p.subCase && `${r.database} ${r.level}` === c,
          )?.verdict ?? '',
      ),
    ]);
    const lastOfFamily = probed[i + 1]?.name !== p.name;
    if (lastOfFamily && probed.filter((q) => q.name === p.name).length > 1)
      rows.push([
        `${p.name}, any`,
        ...columns.map((c) => {
          const [database, ...level] = c.split(' ');
          return anomalyVerdict(results, database!, level.join(' '), p.name) ?? '';
        }),
      ]);
  }
  return textTable(['anomaly', ...columns], rows);
}
