import { describe, expect, it } from 'vitest';
import type { Operation } from './history.ts';
import { percentile, summarize } from './stats.ts';

const op = (
  id: number,
  outcome: Operation['outcome'],
  start: number,
  end: number,
  intendedAt?: number,
): Operation => ({
  ...(intendedAt === undefined ? {} : { intendedAt }),
  id,
  worker: 0,
  op: 'mutate',
  args: {},
  outcome,
  invokedAt: start,
  completedAt: end,
});

describe('stats', () => {
  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 99)).toBe(0);
  });

  it('counts outcomes, excludes info from latency and computes the conflict rate', () => {
    const s = summarize([op(0, 'ok', 0, 2), op(1, 'fail', 0, 4), op(2, 'ok', 5, 6), op(3, 'info', 0, 1000)]);
    expect(s.counts).toEqual({ ok: 2, fail: 1, info: 1 });
    expect(s.conflictRate).toBeCloseTo(1 / 3);
    expect(s.latency.max).toBe(4);
    expect(s.byOperation.mutate).toEqual({ ok: 2, fail: 1, info: 1 });
  });

  it('measures paced operations from their intended start unless told not to', () => {
    // Meant to start at 0 and 10, but the system stalled: they started at 50 and 51.
    const ops = [op(0, 'ok', 50, 52, 0), op(1, 'ok', 51, 53, 10)];
    const corrected = summarize(ops);
    expect(corrected.latency.max).toBe(52);
    expect(corrected.latency.correctedForCoordinatedOmission).toBe(true);
    const raw = summarize(ops, { correctCoordinatedOmission: false });
    expect(raw.latency.max).toBe(2);
    expect(raw.latency.correctedForCoordinatedOmission).toBe(false);
  });
});
