/**
 * A history file's operations as list-append transactions: Elle's
 * `{:f :txn, :value [[:append 5 3] [:r 5 [1 2 3]]]}`, or the harness's
 * NDJSON with an operation's args (invoked) and value (completed) holding
 * the same micro-operations. A committed transaction's reads are what it
 * completed with; others keep what they were invoked with.
 */
import { type HistoryOperation, MisfitOperationError } from '../histories/history-file.ts';
import type { MicroOp, Transaction } from './list-append.ts';

function microOps(value: unknown, where: string): MicroOp[] {
  if (!Array.isArray(value))
    throw new MisfitOperationError(`${where}: a transaction's value must be a list of [f key value]`);
  return value.map((op, i) => {
    if (!Array.isArray(op) || op.length !== 3)
      throw new MisfitOperationError(
        `${where}: micro-operation ${i + 1} must be [f key value], got ${JSON.stringify(op)}`,
      );
    const [f, key, element] = op as [unknown, unknown, unknown];
    if (typeof key !== 'string' && typeof key !== 'number')
      throw new MisfitOperationError(`${where}: micro-operation ${i + 1} has key ${JSON.stringify(key)}`);
    if (f === 'append' && (typeof element === 'string' || typeof element === 'number'))
      return ['append', key, element];
    if (f === 'r' && (element === null || Array.isArray(element)))
      return ['r', key, element as MicroOp[2] as never];
    throw new MisfitOperationError(
      `${where}: micro-operation ${i + 1} must be [:append k v] or [:r k list], got ${JSON.stringify(op)}`,
    );
  });
}

export function transactionsOf(operations: readonly HistoryOperation[]): Transaction[] {
  return operations.map((operation) => {
    const where = `operation ${operation.id} (process ${operation.process}, :f ${operation.f})`;
    return {
      id: operation.id,
      process: operation.process,
      type: operation.type,
      ops: microOps(
        operation.type === 'ok' && operation.result !== undefined ? operation.result : operation.value,
        where,
      ),
      call: operation.call,
      return: operation.return,
    };
  });
}
