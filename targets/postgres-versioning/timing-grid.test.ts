import { expect, it } from 'vitest';
import type { Operation } from '../../harness/core/history.ts';
import type { WorkloadSpec } from '../../harness/core/workload.ts';
import { timingGridPasses } from './timing-grid.ts';

const grid = timingGridPasses({
  points: [
    { rateMs: 2000, offsetMs: 1000, expect: 'no-failures' },
    { rateMs: 1000, offsetMs: 1000, expect: 'failures' },
  ],
  windowMs: 30_000,
  timeScale: 0.1,
});
const base: WorkloadSpec = {
  workers: 2,
  pacing: { kind: 'closed' },
  opCount: 50,
  keys: { count: 1, distribution: 'uniform', hotFraction: 0.8 },
  seed: 1,
};
const failure = (worker: number): Operation => ({
  id: worker,
  worker,
  op: 'mutate',
  args: {},
  outcome: 'fail',
  invokedAt: 0,
  completedAt: 1,
});

it('runs each point paced at its scaled rate and offset, for the scaled window, not an operation count', () => {
  const passes = grid.passes(base, {});
  expect(passes.map((p) => [p.label, p.spec.pacing, p.spec.durationMs, p.spec.opCount])).toEqual([
    ['point0', { kind: 'paced', rateMs: 200, offsetMs: 100 }, 3000, undefined],
    ['point1', { kind: 'paced', rateMs: 100, offsetMs: 100 }, 3000, undefined],
  ]);
  expect(grid.passes(base, { timeScale: 1, windowMs: 10_000 })[0]!.spec.durationMs).toBe(10_000);
});

it("holds the correct variant to the article's expectation, per point, and leaves a mutant to its checkers", () => {
  const [apart, together] = grid.passes(base, {});
  const asReported = grid.judge(
    [
      { spec: apart!.spec, operations: [] },
      { spec: together!.spec, operations: [failure(0), failure(1), failure(1)] },
    ],
    false,
  );
  expect(asReported.checks[0]!.verdict).toBe('valid');
  expect(asReported.timingGrid!.map((p) => p.failuresByWorker)).toEqual([
    [0, 0],
    [1, 2],
  ]);
  const backwards = grid.judge(
    [
      { spec: apart!.spec, operations: [failure(0)] },
      { spec: together!.spec, operations: [] },
    ],
    false,
  );
  expect(backwards.checks[0]!.violations.map((v) => v.message)).toEqual([
    'rate 2000ms / offset 1000ms: expected no failures, saw 1 + 0',
    'rate 1000ms / offset 1000ms: expected some failures, saw 0 + 0',
  ]);
  expect(grid.judge([{ spec: apart!.spec, operations: [failure(0)] }], true).checks).toEqual([]);
});
