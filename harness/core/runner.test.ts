import { describe, expect, it } from 'vitest';
import type { CheckResult } from './check.ts';
import type { Operation } from './history.ts';
import { firstEvidence } from './runner.ts';

const operation = (id: number, completedAt: number): Operation => ({
  id,
  worker: 0,
  op: 'mutate',
  args: {},
  outcome: 'ok',
  invokedAt: completedAt - 1,
  completedAt,
});
const invalid = (...proofs: number[][]): CheckResult => ({
  checker: 'c',
  verdict: 'invalid',
  violations: proofs.map((operations) => ({ invariant: 'i', message: 'm', operations })),
});

describe('firstEvidence', () => {
  const operations = [operation(3, 10), operation(7, 500), operation(8, 200), operation(9, 900)];

  it('dates a violation from the last of its operations to complete, and takes the earliest violation', () => {
    expect(firstEvidence([{ operations, checks: [invalid([3, 7])] }])).toBe(500);
    expect(firstEvidence([{ operations, checks: [invalid([3, 7], [8, 3])] }])).toBe(200);
  });

  it('dates a violation of the final state (no operations named) at the end of the run', () => {
    expect(firstEvidence([{ operations, checks: [invalid([])] }])).toBe(900);
  });

  it('has no date without violations', () => {
    expect(
      firstEvidence([{ operations, checks: [{ checker: 'c', verdict: 'valid', violations: [] }] }]),
    ).toBe(undefined);
  });
});
