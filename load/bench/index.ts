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
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { adminQuery } from '../../harness/db.ts';
import { runScenario } from '../../harness/runner.ts';
import type { ScenarioDefinition } from '../../harness/scenarios.ts';
import { createScratchDatabase } from '../../harness/scratch-database.ts';
import { ServerPool } from '../../harness/server-pool.ts';
import { EMPLOYEE_TABLE, postgresVersioning, seedRows } from '../../targets/postgres-versioning/index.ts';
import { runPgbench } from './pgbench.ts';

const WORKERS = 8;
const ROWS = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BAR = 0.9;

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

async function main(): Promise<number> {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  const measurements: Measurement[] = [];
  try {
    console.log(`bench: ${ROUNDS} rounds of ${SECONDS}s each`);
    measurements.push(await sqlVersionedUpdate(pool));
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
