/**
 * The article's timing experiment as a series of passes: two workers mutate
 * one employee on tickers, the second started `offset` after the first. At
 * rate 2s / offset 1s their transactions never overlap, so the versioned
 * update sees no conflict; at rate 1s / offset 1s they collide on every tick
 * and the correct variant must report failures. Each point runs on a fresh
 * database; a missed expectation is a violation of the correct variant.
 */
import type { CheckResult } from '../../harness/core/check.ts';
import type { Operation } from '../../harness/core/history.ts';
import type { TimingPointResult } from '../../harness/core/results.ts';
import type { PassSeries } from '../../harness/core/scenario.ts';

/** One cell of the experiment: two workers on a ticker of `rateMs`, the second started `offsetMs` later. */
export interface TimingPoint {
  rateMs: number;
  offsetMs: number;
  /** What the article reports for the correct (versioned) update. */
  expect: 'no-failures' | 'failures';
}

export interface TimingGrid {
  points: TimingPoint[];
  /** How long each point runs, in article time (the article's text says 30 s, its code 10 s). */
  windowMs: number;
  /** Multiplies every rate, offset and window (`--time-scale`), so CI can run the experiment in seconds. */
  timeScale: number;
}

export function failuresByWorker(operations: readonly Operation[], workers: number): number[] {
  const failures = new Array<number>(workers).fill(0);
  for (const o of operations) if (o.outcome === 'fail') failures[o.worker] = (failures[o.worker] ?? 0) + 1;
  return failures;
}

export function timingGridPasses(grid: TimingGrid): PassSeries {
  return {
    passes(base, settings) {
      const scale = settings.timeScale ?? grid.timeScale;
      const durationMs = (settings.windowMs ?? grid.windowMs) * scale;
      return grid.points.map((point, i) => {
        const { opCount: _count, ...rest } = base;
        const pacing = {
          kind: 'paced' as const,
          rateMs: point.rateMs * scale,
          offsetMs: point.offsetMs * scale,
        };
        return { label: `point${i}`, spec: { ...rest, pacing, durationMs } };
      });
    },
    judge(passes, broken) {
      const timingGrid: TimingPointResult[] = passes.map(({ spec, operations }, i) => {
        const point = grid.points[i]!;
        const failures = failuresByWorker(operations, spec.workers);
        const total = failures.reduce((a, b) => a + b, 0);
        const pacing = spec.pacing.kind === 'paced' ? spec.pacing : { rateMs: 0, offsetMs: 0 };
        return {
          ...point,
          scaledRateMs: pacing.rateMs,
          scaledOffsetMs: pacing.offsetMs,
          failuresByWorker: failures,
          met: point.expect === 'failures' ? total > 0 : total === 0,
        };
      });
      // The article's expectation is about the correct (versioned) update; a mutant is judged by its checkers.
      if (broken) return { checks: [], timingGrid };
      const missed = timingGrid.filter((p) => !p.met);
      const check: CheckResult = {
        checker: 'timing-expectation',
        verdict: missed.length > 0 ? 'invalid' : 'valid',
        violations: missed.map((p) => ({
          invariant: 'article-timing',
          message: `rate ${p.rateMs}ms / offset ${p.offsetMs}ms: expected ${p.expect === 'failures' ? 'some' : 'no'} failures, saw ${p.failuresByWorker.join(' + ')}`,
          operations: [],
        })),
      };
      return { checks: [check], timingGrid };
    },
  };
}
