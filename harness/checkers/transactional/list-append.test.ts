import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnomalyName, checkListAppend, type MicroOp, type Transaction } from './list-append.ts';
import { atomicHistories } from './testing/atomic-histories.ts';
import { transactionMaker } from './testing/transactions.ts';

const { txn, restart } = transactionMaker<MicroOp>();

function names(history: Transaction[]): AnomalyName[] {
  return checkListAppend(history).anomalies.map((a) => a.name);
}

describe('list-append: each anomaly on a minimal history', () => {
  it('G0: a cycle of appends', () => {
    restart();
    const history = [
      txn([
        ['append', 'x', 1],
        ['append', 'y', 1],
      ]),
      txn([
        ['append', 'x', 2],
        ['append', 'y', 2],
      ]),
      txn([
        ['r', 'x', [1, 2]],
        ['r', 'y', [2, 1]],
      ]),
    ];
    const result = checkListAppend(history);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G0']);
    expect(result.weakestViolated).toEqual(['read-uncommitted']);
    expect(result.anomalies[0]!.explanation).toContain(
      'T2 < T1 because T1 appended 1 after T2\'s append of 2 to key "y"',
    );
  });

  it('G1a: an aborted read; G1b: an intermediate read', () => {
    restart();
    expect(names([txn([['append', 'x', 1]], { type: 'fail' }), txn([['r', 'x', [1]]])])).toEqual(['G1a']);
    restart();
    const intermediate = [
      txn([
        ['append', 'x', 1],
        ['append', 'x', 2],
      ]),
      txn([['r', 'x', [1]]]),
    ];
    const result = checkListAppend(intermediate);
    expect(result.anomalies.map((a) => a.name)).toContain('G1b');
    expect(result.models['read-uncommitted']).toBe(true);
    expect(result.weakestViolated).toEqual(['read-committed']);
  });

  it('a read of an aborted append that a later read no longer shows is G1a only, not an impossible order', () => {
    restart();
    const history = [
      txn([['append', 'x', 1]]),
      txn([['append', 'x', 2]], { type: 'fail' }),
      txn([['r', 'x', [1, 2]]]),
      txn([['append', 'x', 3]]),
      txn([['r', 'x', [1, 3]]]),
    ];
    const result = checkListAppend(history, 'read-uncommitted');
    // Without the aborted 2, [1] is a prefix of [1, 3]: one order of appends gives both.
    expect(result.anomalies.map((a) => a.name)).toEqual(['G1a']);
    expect(result.valid).toBe(true);
    expect(result.models['read-committed']).toBe(false);
  });

  it('G1c: a cycle of reads and appends, explained edge by edge as Elle does', () => {
    restart();
    const history = [
      txn([
        ['append', 'x', 1],
        ['r', 'y', [1]],
      ]),
      txn([
        ['append', 'y', 1],
        ['r', 'x', [1]],
      ]),
    ];
    const result = checkListAppend(history);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G1c']);
    expect(result.anomalies[0]!.explanation).toMatch(
      /T\d < T\d because T\d read T\d's append of 1 to key "[xy]"; T\d < T\d because T\d read T\d's append of 1 to key "[xy]": a cycle/,
    );
    expect(result.weakestViolated).toEqual(['read-committed']);
  });

  it('G-single: read skew, allowed by read committed only', () => {
    restart();
    const history = [
      txn([
        ['r', 'x', []],
        ['r', 'y', [1]],
      ]),
      txn([
        ['append', 'x', 1],
        ['append', 'y', 1],
      ]),
      txn([['r', 'x', [1]]], { call: 200, ret: 300 }),
    ];
    const result = checkListAppend(history);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G-single']);
    expect(result.anomalies[0]!.explanation).toContain('T1\'s read of key "x" did not see T2\'s append of 1');
    expect(result.models).toMatchObject({
      'read-committed': true,
      'repeatable-read': false,
      'snapshot-isolation': false,
      serializable: false,
    });
  });

  it('G2-item: write skew, allowed by snapshot isolation but not by serializability', () => {
    restart();
    const history = [
      txn([
        ['r', 'x', []],
        ['r', 'y', []],
        ['append', 'x', 1],
      ]),
      txn([
        ['r', 'x', []],
        ['r', 'y', []],
        ['append', 'y', 1],
      ]),
      txn(
        [
          ['r', 'x', [1]],
          ['r', 'y', [1]],
        ],
        { call: 200, ret: 300 },
      ),
    ];
    const result = checkListAppend(history);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G2-item']);
    expect(result.models['snapshot-isolation']).toBe(true);
    expect(result.models.serializable).toBe(false);
    expect(result.weakestViolated).toEqual(['repeatable-read']);
  });

  it('lost update: two transactions read one version and both append', () => {
    restart();
    // A key with a space in it: named whole in the explanation.
    const history = [
      txn([
        ['r', 'the x', []],
        ['append', 'the x', 1],
      ]),
      txn([
        ['r', 'the x', []],
        ['append', 'the x', 2],
      ]),
      txn([['r', 'the x', [1, 2]]], { call: 200, ret: 300 }),
    ];
    const result = checkListAppend(history);
    expect(result.anomalies.map((a) => a.name)).toEqual(expect.arrayContaining(['lost-update', 'G-single']));
    expect(result.anomalies.find((a) => a.name === 'lost-update')!.explanation).toBe(
      'T1 and T2 each read key "the x" at the same version and appended to it: one update is lost',
    );
    expect(result.models['snapshot-isolation']).toBe(false);
  });

  it('real time: serializable, yet a read that began after an append completed missed it', () => {
    restart();
    const history = [
      txn([['append', 'x', 1]], { call: 0, ret: 10 }),
      txn([['r', 'x', []]], { call: 20, ret: 30 }),
      txn([['r', 'x', [1]]], { call: 40, ret: 50 }),
    ];
    const result = checkListAppend(history, 'strict-serializable');
    expect(result.anomalies.map((a) => a.name)).toEqual(['G-single-realtime']);
    expect(result.models.serializable).toBe(true);
    expect(result.valid).toBe(false);
    expect(result.anomalies[0]!.explanation).toContain('T1 completed before T2 began');
  });

  it('what no model allows: internal inconsistency, garbage, duplicates, orders that disagree', () => {
    restart();
    expect(
      names([
        txn([
          ['append', 'x', 1],
          ['r', 'x', []],
        ]),
      ]),
    ).toContain('internal');
    restart();
    expect(names([txn([['r', 'x', [9]]])])).toEqual(['garbage-read']);
    restart();
    expect(names([txn([['append', 'x', 1]]), txn([['r', 'x', [1, 1]]])])).toContain('duplicate-elements');
    restart();
    const disagree = [
      txn([['append', 'x', 1]]),
      txn([['append', 'x', 2]]),
      txn([['r', 'x', [1, 2]]]),
      txn([['r', 'x', [2, 1]]]),
    ];
    const result = checkListAppend(disagree);
    expect(result.anomalies.map((a) => a.name)).toContain('incompatible-order');
    expect(result.weakestViolated).toEqual(['read-uncommitted']);
  });

  it('two transactions that took no time at one instant are concurrent, not each before the other', () => {
    restart();
    const history = [
      txn([['append', 'x', 1]], { call: 5, ret: 5 }),
      txn([['r', 'x', []]], { call: 5, ret: 5 }),
      txn([['r', 'x', [1]]], { call: 6, ret: 7 }),
    ];
    expect(checkListAppend(history, 'strict-serializable').anomalies).toEqual([]);
  });

  it('an unknown outcome counts once it is observed, and a failed one never', () => {
    restart();
    const history = [
      txn([['append', 'x', 1]], { type: 'info', ret: Number.POSITIVE_INFINITY }),
      txn([['r', 'x', [1]]]),
    ];
    expect(checkListAppend(history, 'strict-serializable').anomalies).toEqual([]);
  });
});

/**
 * Histories of concurrent transactions, each taking effect atomically at one
 * instant inside its interval and reading and appending against the true
 * state then. Strict serializable by construction.
 */
const concurrentHistory = atomicHistories<MicroOp>(() => {
  const state = new Map<number, number[]>();
  let value = 0;
  return (planned) =>
    planned.map(({ write, key }): MicroOp => {
      if (write) {
        value++;
        state.set(key, [...(state.get(key) ?? []), value]);
        return ['append', key, value];
      }
      return ['r', key, [...(state.get(key) ?? [])]];
    });
});

describe('list-append: generated histories', () => {
  it('an atomic execution is strict serializable; a read that misses an append completed before it is not', () => {
    let mutatedCases = 0;
    fc.assert(
      fc.property(concurrentHistory, fc.nat(), (history, pick) => {
        const result = checkListAppend(history, 'strict-serializable');
        expect(result.anomalies).toEqual([]);
        // Take the last element off a read whose writer had completed before the reader began: now it
        // missed an append that real time says it must see.
        const writerOf = (key: unknown, element: unknown) =>
          history.find((t) => t.ops.some((op) => op[0] === 'append' && op[1] === key && op[2] === element));
        const reads = history.flatMap((t, ti) =>
          t.ops.flatMap((op, oi) => {
            if (op[0] !== 'r' || (op[2] ?? []).length === 0) return [];
            const writer = writerOf(op[1], op[2]![op[2]!.length - 1]);
            return writer && writer.return < t.call ? [{ ti, oi }] : [];
          }),
        );
        if (reads.length === 0) return;
        const { ti, oi } = reads[pick % reads.length]!;
        const mutated = history.map((t, i) =>
          i !== ti
            ? t
            : {
                ...t,
                ops: t.ops.map((op, j) =>
                  j === oi && op[0] === 'r' ? (['r', op[1], (op[2] ?? []).slice(0, -1)] as MicroOp) : op,
                ),
              },
        );
        expect(checkListAppend(mutated, 'strict-serializable').valid).toBe(false);
        mutatedCases++;
      }),
      { numRuns: 300, seed: 3 },
    );
    expect(mutatedCases).toBeGreaterThan(100);
  });
});
