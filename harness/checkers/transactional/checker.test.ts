import { describe, expect, it } from 'vitest';
import type { Operation } from '../../core/history.ts';
import { anomaliesCounted, transactional } from './checker.ts';

let nextId = 0;
function op(args: unknown, value: unknown, outcome: Operation['outcome'] = 'ok', at = 0): Operation {
  const id = nextId++;
  return { id, worker: id, op: 'list-append', args, outcome, invokedAt: at, completedAt: at + 10, value };
}

// Write skew: both read x and y empty, each appends to one; a later reader sees both.
const writeSkew = () => {
  nextId = 0;
  return [
    op(
      [
        ['r', 'x', null],
        ['r', 'y', null],
        ['append', 'x', 1],
      ],
      [
        ['r', 'x', []],
        ['r', 'y', []],
        ['append', 'x', 1],
      ],
    ),
    op(
      [
        ['r', 'x', null],
        ['r', 'y', null],
        ['append', 'y', 1],
      ],
      [
        ['r', 'x', []],
        ['r', 'y', []],
        ['append', 'y', 1],
      ],
    ),
    op(
      [
        ['r', 'x', null],
        ['r', 'y', null],
      ],
      [
        ['r', 'x', [1]],
        ['r', 'y', [1]],
      ],
      'ok',
      20,
    ),
  ];
};

describe('transactional(): Elle as a target checker', () => {
  it('violations are the anomalies the model prohibits; every anomaly found is counted in the metrics', () => {
    const serializable = transactional<null>({ workload: 'list-append', consistency: 'serializable' }).check({
      operations: writeSkew(),
      finalState: null,
    });
    expect(serializable.verdict).toBe('invalid');
    expect(serializable.violations[0]).toMatchObject({ invariant: 'G2-item', operations: [1, 0] });
    expect(serializable.violations[0]!.message).toMatch(
      /^G2-item \(prohibited by serializable\): T1 < T0 because/,
    );
    // Snapshot isolation allows write skew: valid, yet the anomaly is still counted.
    const si = transactional<{ level: 'snapshot-isolation' }>({
      workload: 'list-append',
      consistency: (state) => state.level,
    }).check({ operations: writeSkew(), finalState: { level: 'snapshot-isolation' } });
    expect(si.verdict).toBe('valid');
    expect(anomaliesCounted(si.metrics)).toEqual(new Map([['G2-item', 1]]));
    expect(si.metrics).toMatchObject({ transactions: 3, committed: 3 });
  });

  it('unknown, never valid, when nothing committed or an operation is no transaction of the workload', () => {
    nextId = 0;
    const checker = transactional<null>({ workload: 'list-append', consistency: 'serializable' });
    expect(checker.check({ operations: [], finalState: null })).toMatchObject({
      verdict: 'unknown',
      reason: 'no list-append transaction in the history: nothing to judge',
    });
    const aborted = checker.check({
      operations: [op([['append', 'x', 1]], undefined, 'fail')],
      finalState: null,
    });
    expect(aborted).toMatchObject({
      verdict: 'unknown',
      reason: 'none of the 1 transactions committed: nothing to judge',
    });
    // A target that returns garbage: named, with the operation.
    const garbage = checker.check({ operations: [op([['append', 'x', 1]], 'oops')], finalState: null });
    expect(garbage.verdict).toBe('unknown');
    expect(garbage.reason).toBe(
      "operation 1 (process 1, :f list-append): a transaction's value must be a list of [f key value]",
    );
    const register = checker.check({ operations: [op([['w', 'x', 1]], [['w', 'x', 1]])], finalState: null });
    expect(register.reason).toMatch(
      /operation 2 .*micro-operation 1 must be \[:append k v\] or \[:r k list\]/,
    );
  });
});
