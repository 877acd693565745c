import { describe, expect, it } from 'vitest';
import type { Operation } from './history.ts';
import { percentile, summarize } from './stats.ts';

const op = (id: number, outcome: Operation['outcome'], start: number, end: number): Operation => ({
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
});
