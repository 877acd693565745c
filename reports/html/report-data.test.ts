import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeFaultWindows } from '../../harness/core/fault-windows.ts';
import { HistoryWriter, loadHistory } from '../../harness/core/history.ts';
import { fakeRun, fakeSuite } from '../testing/fake-results.ts';
import { renderHtml } from './render.ts';
import { buildReportData, MAX_POINTS_PER_RUN } from './report-data.ts';

/** A history of `n` operations, one every 0.01 ms, every 50th a failure, with a fault window in the middle. */
function history(n: number): string {
  const writer = new HistoryWriter(join(mkdtempSync(join(tmpdir(), 'chaos-report-data-')), 'history.ndjson'));
  for (let i = 0; i < n; i++) {
    const id = writer.invoke(i % 4, 'mutate', { key: i % 7 });
    if (i === Math.floor(n / 2)) writer.fault('fault-start', 'pause', { window: 0 });
    if (i === Math.floor(n / 2) + 10) writer.fault('fault-stop', 'pause', { window: 0 });
    writer.complete(
      id,
      i % 4,
      'mutate',
      i % 50 === 0 ? { outcome: 'fail', error: 'conflict' } : { outcome: 'ok', value: { v: i } },
    );
  }
  writer.close();
  return writer.path;
}

describe('report data', () => {
  it('keeps every operation of a small run, and the operations that prove a violation', async () => {
    const file = history(500);
    // Fault windows as the runner records them in results.json, from the same history.
    const { operations, faults } = await loadHistory(file);
    const faultWindows = summarizeFaultWindows(faults, operations, []);
    const data = await buildReportData(
      fakeSuite([fakeRun({ violations: 1, historyFiles: [file], faultWindows })]),
    );
    const run = data.runs[0]!;
    expect(run.sampled).toEqual({ shown: 500, total: 500, everyNth: 1 });
    expect(run.points.outcome.filter((o) => o === 1)).toHaveLength(10);
    expect(run.result.faultWindows).toMatchObject([{ fault: 'pause' }]);
    expect(run.result.faultWindows[0]!.stoppedAt).toBeGreaterThan(run.result.faultWindows[0]!.startedAt);
    // The fake violation names operations 0 and 1.
    expect(run.violations[0]!.operations.map((o) => [o.id, o.worker, o.outcome, o.args])).toEqual([
      [0, 0, 'fail', '{"key":0}'],
      [1, 1, 'ok', '{"key":1}'],
    ]);
    const okPerSecond = run.throughput.ok.reduce((a, b) => a + b, 0);
    expect(okPerSecond).toBeGreaterThan(0);
  });

  it('downsamples a large run to a bounded number of points, so the report size does not grow with it', async () => {
    const small = await buildReportData(fakeSuite([fakeRun({ historyFiles: [history(20_000)] })]));
    const large = await buildReportData(fakeSuite([fakeRun({ historyFiles: [history(200_000)] })]));
    const run = large.runs[0]!;
    expect(run.sampled.total).toBe(200_000);
    expect(run.sampled.shown).toBeLessThan(2 * MAX_POINTS_PER_RUN);
    expect(run.sampled.everyNth).toBeGreaterThanOrEqual(32);
    const smallSize = renderHtml(small).length;
    const largeSize = renderHtml(large).length;
    expect(largeSize).toBeLessThan(smallSize * 1.2);
    expect(largeSize).toBeLessThan(1_000_000);
  });

  it('shows a steady rate as a flat throughput line, whatever the run length', async () => {
    // One completion every millisecond for 3,337 ms: every whole bucket must show 1,000/s. Buckets
    // of 3337 / 67 = 49.8 ms would alternately hold 49 and 50 of the 10 ms bins' completions.
    const lines: string[] = [];
    for (let i = 0; i < 3337; i++) {
      lines.push(JSON.stringify({ type: 'invoke', id: i, worker: 0, op: 'mutate', t: i }));
      lines.push(JSON.stringify({ type: 'ok', id: i, worker: 0, op: 'mutate', t: i + 0.5 }));
    }
    const file = join(mkdtempSync(join(tmpdir(), 'chaos-report-data-')), 'history.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const data = await buildReportData(fakeSuite([fakeRun({ historyFiles: [file] })]));
    const { ok, t } = data.runs[0]!.throughput;
    expect(ok).toHaveLength(67); // ceil(3336.5 ms / 50 ms)
    expect(new Set(ok.slice(0, -1))).toEqual(new Set([1000]));
    expect(t[1]! - t[0]!).toBe(50);
  });
});
