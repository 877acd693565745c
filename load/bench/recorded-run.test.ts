import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { HistoryWriter, loadOperations } from '../../harness/core/history.ts';
import { parseSuiteResults } from '../../harness/core/results.ts';
import { summarize } from '../../harness/core/stats.ts';
import { runWorkload, type WorkloadSpec } from '../../harness/core/workload.ts';
import { operationsOf, recordedRunResults } from './recorded-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'chaos-recorded-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("is the recorded history's own figures, summarized as the runner does, in a valid results.json", async () => {
  const historyFile = join(dir, 'history.ndjson');
  const history = new HistoryWriter(historyFile);
  const spec: WorkloadSpec = {
    workers: 3,
    pacing: { kind: 'closed' },
    opCount: 600,
    keys: { count: 10, distribution: 'uniform', hotFraction: 0.8 },
    seed: 7,
  };
  let n = 0;
  await runWorkload(spec, {
    history,
    planner: ({ chooseKey }) => ({ op: 'mutate', args: { key: chooseKey() } }),
    execute: async () =>
      n++ % 4 === 0 ? { outcome: 'fail', error: 'conflict' } : { outcome: 'ok', value: 1 },
  });
  history.close();

  const operations = await operationsOf(historyFile);
  expect(summarize(operations)).toEqual(summarize(await loadOperations(historyFile)));

  const results = await recordedRunResults({
    scenario: 'bench-memory',
    target: 'postgres-versioning',
    historyFile,
    spec,
    durationMs: 42,
    replay: 'BENCH_ONLY=memory npm run bench',
  });
  expect(parseSuiteResults(JSON.parse(JSON.stringify(results)))).toMatchObject({ ok: true });
  const [run] = results.runs;
  expect(run!.summary.counts).toEqual({ ok: 450, fail: 150, info: 0 });
  expect(run!.summary.operations).toBe(600);
  expect(run!.workload).toEqual({
    workers: 3,
    pacing: { kind: 'closed' },
    opCount: 600,
    keys: spec.keys,
  });
  expect(run!.historyFiles).toEqual([historyFile]);
  // Nothing was checked, and nothing pretends it was.
  expect(run!.verdict).toBe('unknown');
  expect(run!.checks.every((c) => c.verdict === 'unknown' && c.violations.length === 0)).toBe(true);
  expect(results.seed).toBe(7);
});
