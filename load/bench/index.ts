/**
 * `npm run bench`: the harness's own throughput against the reference tool
 * measured in the same run on the same server, printed as a ratio.
 *
 * SQL: the postgres-versioning workload (8 workers, 100 rows, history
 * recording on) vs `pgbench -M prepared` running the same transaction with
 * pgbench's default single thread (the harness, too, drives its 8
 * connections from one event loop).
 * Runs alternate (reference, harness, reference, harness) and the best of
 * each is compared, so a noisy moment does not decide the ratio.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { adminQuery } from '../../harness/db.ts';
import { HistoryWriter } from '../../harness/history.ts';
import { runScenario } from '../../harness/runner.ts';
import type { ScenarioDefinition } from '../../harness/scenarios.ts';
import { createScratchDatabase } from '../../harness/scratch-database.ts';
import { ServerPool } from '../../harness/server-pool.ts';
import { runWorkload, type WorkloadSpec } from '../../harness/workload.ts';
import { EMPLOYEE_TABLE, postgresVersioning, seedRows } from '../../targets/postgres-versioning/index.ts';
import { runPgbench } from './pgbench.ts';

const WORKERS = 8;
const ROWS = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BAR = 0.9;
const MEMORY_BAR_MB = 256;

interface Measurement {
  name: string;
  harness: number;
  reference: number;
  referenceTool: string;
  ratio: number;
  bar: number;
  unit: string;
}

async function sqlVersionedUpdate(pool: ServerPool): Promise<Measurement> {
  const server = await pool.get('postgres');
  const scenario: ScenarioDefinition = {
    name: 'bench-versioned-update',
    description: 'bench',
    target: postgresVersioning.name,
    workload: { workers: WORKERS, keys: ROWS, durationMs: SECONDS * 1000 },
  };
  const outDir = mkdtempSync(join(tmpdir(), 'chaos-bench-'));
  const harness: number[] = [];
  const reference: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const scratch = await createScratchDatabase(server);
    await adminQuery(scratch.info, [EMPLOYEE_TABLE, seedRows(ROWS)]);
    reference.push((await runPgbench(scratch.info, { clients: WORKERS, seconds: SECONDS, rows: ROWS })).tps);
    await scratch.drop();

    const result = await runScenario(scenario, postgresVersioning, 'correct', pool, {
      seed: round + 1,
      outDir,
    });
    if (result.error) throw new Error(`harness run failed: ${result.error}`);
    const completed = result.summary.counts.ok + result.summary.counts.fail;
    harness.push(completed / SECONDS);
    console.log(
      `  round ${round + 1}: pgbench ${reference.at(-1)!.toFixed(0)} tps, harness ${harness.at(-1)!.toFixed(0)} tps`,
    );
  }
  const best = (xs: number[]) => Math.max(...xs);
  return {
    name: 'sql: postgres versioned update, 8 workers, history on',
    harness: best(harness),
    reference: best(reference),
    referenceTool: 'pgbench -M prepared',
    ratio: best(harness) / best(reference),
    bar: BAR,
    unit: 'transactions/s',
  };
}

/**
 * Memory: record 1,000,000 operations (invoke + completion each) through the
 * workload engine with a no-op executor; the history streams to disk, so RSS
 * must stay under the bar.
 */
async function memoryOfOneMillionOperations(): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-bench-memory-'));
  const history = new HistoryWriter(join(dir, 'history.ndjson'));
  const spec: WorkloadSpec = {
    workers: 8,
    pacing: { kind: 'closed' },
    opCount: 1_000_000,
    keys: { count: 100, distribution: 'uniform', hotFraction: 0.8 },
    seed: 1,
  };
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  await runWorkload(spec, {
    history,
    planner: postgresVersioning.plan,
    execute: async () => ({ outcome: 'ok', value: { readVersion: 1, readToken: 'x', wroteVersion: 2 } }),
  });
  clearInterval(sampler);
  history.close();
  peak = Math.max(peak, process.memoryUsage().rss);
  const megabytes = peak / 1024 / 1024;
  console.log(
    `  recorded ${spec.opCount} operations (${(statSync(history.path).size / 1e6).toFixed(0)} MB of history on disk), peak RSS ${megabytes.toFixed(0)} MB`,
  );
  rmSync(dir, { recursive: true, force: true });
  return {
    name: 'memory: peak RSS while recording 1,000,000 operations',
    harness: megabytes,
    reference: MEMORY_BAR_MB,
    referenceTool: 'the 256 MB bar',
    ratio: MEMORY_BAR_MB / megabytes,
    bar: 1,
    unit: 'MB',
  };
}

async function main(): Promise<number> {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  const measurements: Measurement[] = [];
  try {
    console.log(`bench: ${ROUNDS} rounds of ${SECONDS}s each`);
    measurements.push(await sqlVersionedUpdate(pool));
    measurements.push(await memoryOfOneMillionOperations());
  } finally {
    await pool.stopAll();
  }
  let failed = false;
  for (const m of measurements) {
    const verdict = m.ratio >= m.bar ? 'ok' : 'BELOW BAR';
    if (m.ratio < m.bar) failed = true;
    console.log(
      `${m.name}: harness ${m.harness.toFixed(0)} vs ${m.referenceTool} ${m.reference.toFixed(0)} ${m.unit}; ratio ${m.ratio.toFixed(2)} (bar ${m.bar}) ${verdict}`,
    );
  }
  const outDir = resolve(process.env.BENCH_OUT ?? 'chaos-report');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'bench.json'),
    `${JSON.stringify({ date: new Date().toISOString(), measurements }, null, 2)}\n`,
  );
  console.log(`bench results: ${join(outDir, 'bench.json')}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
