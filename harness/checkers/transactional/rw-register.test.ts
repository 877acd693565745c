import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnomalyName } from './anomalies.ts';
import { checkRwRegister, type RegisterOp, type RegisterTransaction } from './rw-register.ts';
import { atomicHistories } from './testing/atomic-histories.ts';
import { transactionMaker } from './testing/transactions.ts';

const { txn, restart } = transactionMaker<RegisterOp>();

const names = (history: RegisterTransaction[]): AnomalyName[] =>
  checkRwRegister(history).anomalies.map((a) => a.name);

describe('rw-register: each anomaly on a minimal history', () => {
  it('G1a: an aborted read; G1b: an intermediate read', () => {
    restart();
    expect(names([txn([['w', 'x', 1]], { type: 'fail' }), txn([['r', 'x', 1]])])).toEqual(['G1a']);
    restart();
    const intermediate = [
      txn([
        ['w', 'x', 1],
        ['w', 'x', 2],
      ]),
      txn([['r', 'x', 1]]),
    ];
    const result = checkRwRegister(intermediate);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G1b']);
    expect(result.weakestViolated).toEqual(['read-committed']);
  });

  it('G1c: each reads the other one write, explained edge by edge', () => {
    restart();
    const result = checkRwRegister([
      txn([
        ['w', 'x', 1],
        ['r', 'y', 2],
      ]),
      txn([
        ['w', 'y', 2],
        ['r', 'x', 1],
      ]),
    ]);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G1c']);
    expect(result.anomalies[0]!.explanation).toMatch(
      /T\d < T\d because T\d read T\d's write of [12] to key "[xy]"/,
    );
  });

  it('G-single: read skew, found through what a writer read before it wrote', () => {
    restart();
    const history = [
      txn([
        ['w', 'x', 1],
        ['w', 'y', 1],
      ]),
      txn([
        ['r', 'x', 1],
        ['r', 'y', 1],
        ['w', 'x', 2],
        ['w', 'y', 2],
      ]),
      txn([
        ['r', 'x', 1],
        ['r', 'y', 2],
      ]),
    ];
    const result = checkRwRegister(history);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G-single']);
    expect(result.models['read-committed']).toBe(true);
    expect(result.models['snapshot-isolation']).toBe(false);
    expect(result.anomalies[0]!.explanation).toContain(
      `T3's read of key "x" (it read 1) did not see T2's write of 2`,
    );
  });

  it('G2-item: write skew, allowed by snapshot isolation but not by serializability', () => {
    restart();
    const history = [
      txn([
        ['w', 'x', 0],
        ['w', 'y', 0],
      ]),
      txn([
        ['r', 'x', 0],
        ['r', 'y', 0],
        ['w', 'x', 1],
      ]),
      txn([
        ['r', 'x', 0],
        ['r', 'y', 0],
        ['w', 'y', 1],
      ]),
    ];
    const result = checkRwRegister(history);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G2-item']);
    expect(result.models['snapshot-isolation']).toBe(true);
    expect(result.models.serializable).toBe(false);
  });

  it('lost update: both read the initial state and both wrote', () => {
    restart();
    const result = checkRwRegister([
      txn([
        ['r', 'x', null],
        ['w', 'x', 1],
      ]),
      txn([
        ['r', 'x', null],
        ['w', 'x', 2],
      ]),
    ]);
    expect(result.anomalies.map((a) => a.name)).toEqual(expect.arrayContaining(['lost-update']));
    expect(result.models['read-committed']).toBe(true);
    expect(result.models['repeatable-read']).toBe(false);
  });

  it('a non-repeatable read: read committed allows it, repeatable read does not (a cycle, not an internal anomaly)', () => {
    restart();
    const result = checkRwRegister([
      txn([['w', 'x', 1]], { ret: 1 }),
      txn(
        [
          ['r', 'x', 1],
          ['r', 'x', 2],
        ],
        { call: 2 },
      ),
      txn(
        [
          ['r', 'x', 1],
          ['w', 'x', 2],
        ],
        { call: 2 },
      ),
    ]);
    expect(result.anomalies.map((a) => a.name)).toEqual(['G-single']);
    expect(result.models['read-committed']).toBe(true);
    expect(result.models['repeatable-read']).toBe(false);
  });

  it('what no model allows: internal inconsistency, garbage, duplicate writes', () => {
    restart();
    expect(
      names([
        txn([
          ['w', 'x', 1],
          ['r', 'x', 2],
        ]),
        txn([['w', 'x', 2]]),
      ]),
    ).toContain('internal');
    restart();
    expect(names([txn([['r', 'x', 9]])])).toEqual(['garbage-read']);
    restart();
    const duplicate = checkRwRegister([txn([['w', 'x', 1]]), txn([['w', 'x', 1]])]);
    expect(duplicate.anomalies.map((a) => a.name)).toEqual(['duplicate-writes']);
    expect(duplicate.weakestViolated).toEqual(['read-uncommitted']);
  });

  it('an unknown outcome counts once it is observed, and a failed one never', () => {
    restart();
    const history = [
      txn([['w', 'x', 1]], { type: 'info', ret: Number.POSITIVE_INFINITY }),
      txn([['r', 'x', 1]]),
      txn([['w', 'x', 2]], { type: 'fail' }),
    ];
    expect(checkRwRegister(history, 'strict-serializable').anomalies).toEqual([]);
  });
});

/**
 * Histories of concurrent transactions, each taking effect atomically at one
 * instant inside its interval. Every write reads the key first, so each
 * key's version order is known. Strict serializable by construction.
 */
/** Every write reads the key first, so each key's version order is known. */
const concurrentHistory = atomicHistories<RegisterOp>(() => {
  const versions = new Map<number, number[]>();
  let value = 0;
  return (planned) =>
    planned.flatMap(({ write, key }): RegisterOp[] => {
      const list = versions.get(key) ?? [];
      const read: RegisterOp = ['r', key, list.at(-1) ?? null];
      if (!write) return [read];
      versions.set(key, [...list, ++value]);
      return [read, ['w', key, value]];
    });
});

describe('rw-register: generated histories', () => {
  it('an atomic execution is strict serializable; a read of the version before one completed earlier is not', () => {
    let mutatedCases = 0;
    fc.assert(
      fc.property(concurrentHistory, fc.nat(), (history, pick) => {
        expect(checkRwRegister(history, 'strict-serializable').anomalies).toEqual([]);
        const writerOf = (key: unknown, value: unknown) =>
          history.find((t) => t.ops.some((op) => op[0] === 'w' && op[1] === key && op[2] === value));
        const reads = history.flatMap((t, ti) =>
          t.ops.flatMap((op, oi) => {
            if (op[0] !== 'r' || op[2] === null) return [];
            const writer = writerOf(op[1], op[2]);
            return writer && writer !== t && writer.return < t.call ? [{ ti, oi }] : [];
          }),
        );
        if (reads.length === 0) return;
        const { ti, oi } = reads[pick % reads.length]!;
        const mutated = history.map((t, i) =>
          i !== ti
            ? t
            : {
                ...t,
                ops: t.ops.map((op, j): RegisterOp => {
                  if (j !== oi || op[0] !== 'r') return op;
                  // Values grow in the order transactions take effect: a key's versions, in order.
                  const list = history
                    .flatMap((x) => x.ops)
                    .flatMap((w) => (w[0] === 'w' && w[1] === op[1] ? [w[2] as number] : []))
                    .sort((a, b) => a - b);
                  return ['r', op[1], list[list.indexOf(op[2] as number) - 1] ?? null];
                }),
              },
        );
        expect(checkRwRegister(mutated, 'strict-serializable').valid).toBe(false);
        mutatedCases++;
      }),
      { numRuns: 300, seed: 5 },
    );
    expect(mutatedCases).toBeGreaterThan(100);
  });
});
