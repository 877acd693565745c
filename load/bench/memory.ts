/**
 * Memory: record 1,000,000 operations (invoke and completion each) through
 * the workload engine with a no-op executor; the history streams to disk, so
 * the peak RSS must stay under 256 MB. Then the HTML report of that run,
 * built from what it recorded (recorded-run.ts), must stay under 5 MB: it is
 * downsampled, so it stays small however long the history.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryWriter } from '../../harness/core/history.ts';
import { runWorkload, type WorkloadSpec } from '../../harness/core/workload.ts';
import { ownedTempDir } from '../../harness/providers/owned.ts';
import { renderHtml } from '../../reports/html/render.ts';
import { buildReportData } from '../../reports/html/report-data.ts';
import { postgresVersioning } from '../../targets/postgres-versioning/index.ts';
import { recordedRunResults } from './recorded-run.ts';
import type { BenchResult } from './table.ts';

export const MEMORY_LIMIT_MB = 256;
export const REPORT_LIMIT_MB = 5;
const OPERATIONS = 1_000_000;

export async function memoryOfOneMillionOperations(): Promise<BenchResult[]> {
  const dir = ownedTempDir('chaos-bench-memory-');
  const history = new HistoryWriter(join(dir, 'history.ndjson'));
  const spec: WorkloadSpec = {
    workers: 8,
    pacing: { kind: 'closed' },
    opCount: OPERATIONS,
    keys: { count: 100, distribution: 'uniform', hotFraction: 0.8 },
    seed: 1,
  };
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = Date.now();
  try {
    await runWorkload(spec, {
      history,
      planner: postgresVersioning.plan,
      execute: async () => ({ outcome: 'ok', value: { readVersion: 1, readToken: 'x', wroteVersion: 2 } }),
    });
  } finally {
    clearInterval(sampler);
    history.close();
  }
  const durationMs = Date.now() - started;
  peak = Math.max(peak, process.memoryUsage().rss);
  const megabytes = peak / 1024 / 1024;
  const historyMb = statSync(history.path).size / 1e6;
  console.log(
    `  recorded ${OPERATIONS.toLocaleString('en-US')} operations (${historyMb.toFixed(0)} MB of history on disk), peak RSS ${megabytes.toFixed(0)} MB`,
  );

  // Read back after the peak was taken: summarizing a million operations is the report's cost, not the recording's.
  const results = await recordedRunResults({
    scenario: 'bench-memory',
    target: postgresVersioning.name,
    historyFile: history.path,
    spec,
    durationMs,
    replay: 'BENCH_ONLY=memory npm run bench',
  });
  const report = renderHtml(await buildReportData(results, '1,000,000 operations'));
  const reportMb = Buffer.byteLength(report) / 1e6;
  console.log(
    `  HTML report of the ${OPERATIONS.toLocaleString('en-US')} operations: ${reportMb.toFixed(2)} MB`,
  );
  return [
    {
      kind: 'limit',
      measurement: 'memory: peak RSS recording 1,000,000 operations',
      figure: megabytes,
      unit: 'MB',
      limit: MEMORY_LIMIT_MB,
      detail: `${historyMb.toFixed(0)} MB of history on disk`,
    },
    {
      kind: 'limit',
      measurement: 'report: HTML report of those operations',
      figure: reportMb,
      unit: 'MB',
      limit: REPORT_LIMIT_MB,
    },
  ];
}
