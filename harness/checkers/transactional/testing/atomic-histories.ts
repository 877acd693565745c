/**
 * Generated histories of concurrent transactions for the transactional
 * checkers' property tests: each transaction has an interval and takes
 * effect atomically at one instant inside it, so the history is strict
 * serializable by construction, whatever its micro-operations do.
 */
import fc from 'fast-check';
import type { TransactionOf } from '../anomalies.ts';

/** A planned micro-operation: whether it writes (appends), and on which of four keys. */
export interface PlannedOp {
  write: boolean;
  key: number;
}

/**
 * Transactions whose micro-operations `perform` turns into real ones,
 * called in the order the transactions take effect (so it can keep the
 * true state).
 */
export function atomicHistories<Op>(
  perform: () => (planned: PlannedOp[]) => Op[],
): fc.Arbitrary<TransactionOf<Op>[]> {
  return fc
    .array(
      fc.record({
        start: fc.integer({ min: 0, max: 500 }),
        length: fc.integer({ min: 1, max: 60 }),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        ops: fc.array(
          fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3 })).map(([write, key]) => ({ write, key })),
          { minLength: 1, maxLength: 4 },
        ),
      }),
      { minLength: 1, maxLength: 25 },
    )
    .map((plans) => {
      const apply = perform();
      const effects = plans.map((plan, i) => ({ plan, i, effect: plan.start + plan.at * plan.length }));
      const history: TransactionOf<Op>[] = new Array(plans.length);
      for (const { plan, i } of effects.sort((a, b) => a.effect - b.effect || a.i - b.i))
        history[i] = {
          id: i + 1,
          process: i,
          type: 'ok',
          ops: apply(plan.ops),
          call: plan.start,
          return: plan.start + plan.length,
        };
      return history;
    });
}
