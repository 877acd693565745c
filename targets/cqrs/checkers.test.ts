/** The CQRS invariants on hand-written histories and end states: consistent ones pass, each kind of damage is named. */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../harness/core/history.ts';
import {
  type CqrsState,
  LAG_BOUND_MS,
  projectionLag,
  readModelConverges,
  sessionGuarantees,
} from './checkers.ts';

let nextId = 0;
function op(worker: number, op: string, account: string, version: number, at: number): Operation {
  return {
    id: nextId++,
    worker,
    op,
    args: op === 'deposit' ? { account, amount: 10 } : { account },
    outcome: 'ok',
    invokedAt: at,
    completedAt: at + 1,
    value: { version, balance: 10 * version },
  };
}

/** Account x, deposited three times (10 each), both replicas caught up, each event applied once. */
function consistent(): { operations: Operation[]; finalState: CqrsState } {
  nextId = 0;
  const operations = [1, 2, 3].map((v) => op(0, 'deposit', 'x', v, v * 10));
  return {
    operations,
    finalState: {
      accounts: [{ id: 'x', balance: 30, version: 3 }],
      views: (['a', 'b'] as const).map((replica) => ({ replica, id: 'x', balance: 30, version: 3 })),
      applied: (['a', 'b'] as const).flatMap((replica) =>
        [1, 2, 3].map((version) => ({ replica, account: 'x', version, lagMs: version * 5 })),
      ),
    },
  };
}

describe('read-model-converges', () => {
  it('holds when every replica equals the write model', () => {
    expect(readModelConverges.check(consistent()).verdict).toBe('valid');
  });

  it('names the deposit whose event a replica applied twice', () => {
    const input = consistent();
    input.finalState.views[1] = { replica: 'b', id: 'x', balance: 40, version: 3 };
    input.finalState.applied.push({ replica: 'b', account: 'x', version: 2, lagMs: 900 });
    const result = readModelConverges.check(input);
    expect(result.verdict).toBe('invalid');
    expect(result.violations[0]!.message).toContain('replica b');
    expect(result.violations[0]!.message).toContain('applied twice: version 2');
    expect(result.violations[0]!.operations).toEqual([input.operations[1]!.id]);
  });

  it('names the deposit whose event a replica never applied', () => {
    const input = consistent();
    input.finalState.views[0] = { replica: 'a', id: 'x', balance: 20, version: 3 };
    input.finalState.applied = input.finalState.applied.filter(
      (a) => !(a.replica === 'a' && a.version === 1),
    );
    const result = readModelConverges.check(input);
    expect(result.violations.map((v) => v.message)).toEqual([
      expect.stringContaining('never applied: version 1'),
    ]);
    expect(result.violations[0]!.operations).toEqual([input.operations[0]!.id]);
  });

  it('finds a replica whose projector never applied anything', () => {
    const input = consistent();
    input.finalState.views = input.finalState.views.filter((v) => v.replica === 'a');
    const result = readModelConverges.check(input);
    expect(result.violations.map((v) => v.message)).toEqual([
      expect.stringContaining('replica b, account x'),
    ]);
  });

  it('finds an account missing from a replica', () => {
    const input = consistent();
    input.finalState.views = input.finalState.views.filter((v) => v.replica === 'b');
    input.finalState.views.push({ replica: 'a', id: 'other', balance: 0, version: 0 });
    expect(readModelConverges.check(input).verdict).toBe('invalid');
  });
});

describe('session-guarantees', () => {
  it('holds when each read is at least as new as what its worker knew', () => {
    const input = consistent();
    input.operations.push(op(0, 'read', 'x', 3, 40), op(1, 'read', 'x', 1, 5), op(1, 'read', 'x', 2, 50));
    expect(sessionGuarantees.check(input).verdict).toBe('valid');
  });

  it('calls a read older than the worker’s own write a read-your-writes violation, naming both', () => {
    const input = consistent();
    const stale = op(0, 'read', 'x', 2, 40);
    input.operations.push(stale);
    const result = sessionGuarantees.check(input);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]!.invariant).toBe('read-your-writes');
    expect(result.violations[0]!.operations).toEqual([input.operations[2]!.id, stale.id]);
  });

  it('calls a read older than an earlier read a monotonic-reads violation', () => {
    const input = consistent();
    input.operations.push(op(1, 'read', 'x', 3, 40), op(1, 'read', 'x', 1, 50));
    const result = sessionGuarantees.check(input);
    expect(result.violations.map((v) => v.invariant)).toEqual(['monotonic-reads']);
  });

  it('ignores another worker’s writes and reads that did not succeed', () => {
    const input = consistent();
    input.operations.push(op(1, 'read', 'x', 1, 40), op(1, 'read', 'x', 1, 42), {
      ...op(0, 'read', 'x', 0, 45),
      outcome: 'fail',
    });
    const result = sessionGuarantees.check(input);
    expect(result.verdict).toBe('valid');
    expect(result.metrics).toEqual({ 'reads judged': 1 }); // worker 1's second read
  });

  it('cannot judge a run in which no read came after its worker knew a version', () => {
    const input = consistent();
    input.operations.push(op(1, 'read', 'x', 1, 40));
    expect(sessionGuarantees.check(input)).toMatchObject({ verdict: 'unknown', vacuous: true });
  });
});

describe('projection-lag', () => {
  it('reports the first application of each event as percentiles and a series per replica', () => {
    const input = consistent();
    input.finalState.applied.push({ replica: 'a', account: 'x', version: 1, lagMs: 4000 }); // a redelivery
    const result = projectionLag.check(input);
    expect(result.verdict).toBe('valid');
    expect(result.metrics).toMatchObject({ 'events applied': 6, 'lag p50 ms': 10, 'lag max ms': 15 });
    expect(result.series!.map((s) => s.name)).toEqual(['lag, replica a', 'lag, replica b']);
    // Each point at its deposit's acknowledgement.
    expect(result.series![0]!.points).toEqual([
      [11, 5],
      [21, 10],
      [31, 15],
    ]);
  });

  it('is invalid when an event took longer than the bound, naming its deposit', () => {
    const input = consistent();
    input.finalState.applied[4] = { ...input.finalState.applied[4]!, lagMs: LAG_BOUND_MS + 1 };
    const result = projectionLag.check(input);
    expect(result.verdict).toBe('invalid');
    expect(result.violations[0]!.operations).toEqual([input.operations[1]!.id]);
  });

  it('cannot judge a run in which no event reached a replica', () => {
    const input = consistent();
    input.finalState.applied = [];
    expect(projectionLag.check(input)).toMatchObject({ verdict: 'unknown', vacuous: true });
  });
});
