/** Hand-built transactions for the transactional checkers' tests, numbered T1, T2... from each `restart()`. */
import type { TransactionOf } from '../anomalies.ts';

export function transactionMaker<Op>() {
  let nextId = 0;
  return {
    /** Number the next transaction T1 again. */
    restart(): void {
      nextId = 0;
    },
    /** A transaction; committed (ok) unless said, invoked at `call` and completed at `ret`. */
    txn(
      ops: Op[],
      options: { type?: TransactionOf<Op>['type']; call?: number; ret?: number } = {},
    ): TransactionOf<Op> {
      const id = ++nextId;
      return {
        id,
        process: id,
        type: options.type ?? 'ok',
        ops,
        call: options.call ?? 0,
        return: options.ret ?? 100,
      };
    },
  };
}
