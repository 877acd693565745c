/**
 * A history file's operations as transactions of one of Elle's workloads:
 * `{:f :txn, :value [[:append 5 3] [:r 5 [1 2 3]]]}` (list-append) or
 * `[[:w 5 3] [:r 5 3]]` (rw-register), or the harness's NDJSON with an
 * operation's args (invoked) and value (completed) holding the same
 * micro-operations. A committed transaction's reads are what it completed
 * with; others keep what they were invoked with.
 */
import { type HistoryOperation, MisfitOperationError } from '../histories/history-file.ts';
import type { ConsistencyModel, TransactionalResult, TransactionOf } from './anomalies.ts';
import { checkListAppend, type MicroOp } from './list-append.ts';
import { checkRwRegister, type RegisterOp } from './rw-register.ts';

const isKey = (key: unknown): key is string | number => typeof key === 'string' || typeof key === 'number';
const isElement = isKey;

/** One micro-operation `[f key value]` as a workload reads it, or undefined when it is not one of its. */
type MicroOpReader<Op> = (f: unknown, key: string | number, value: unknown) => Op | undefined;

const listAppendOp: MicroOpReader<MicroOp> = (f, key, value) => {
  if (f === 'append' && isElement(value)) return ['append', key, value];
  if (f === 'r' && (value === null || (Array.isArray(value) && value.every(isElement))))
    return ['r', key, value as MicroOp[2] as never];
  return undefined;
};

const registerOp: MicroOpReader<RegisterOp> = (f, key, value) => {
  if (f === 'w' && isElement(value)) return ['w', key, value];
  if (f === 'r' && (value === null || isElement(value))) return ['r', key, value];
  return undefined;
};

function microOps<Op>(value: unknown, where: string, read: MicroOpReader<Op>, shapes: string): Op[] {
  if (!Array.isArray(value))
    throw new MisfitOperationError(`${where}: a transaction's value must be a list of [f key value]`);
  return value.map((op, i) => {
    if (!Array.isArray(op) || op.length !== 3)
      throw new MisfitOperationError(
        `${where}: micro-operation ${i + 1} must be [f key value], got ${JSON.stringify(op)}`,
      );
    const [f, key, element] = op as [unknown, unknown, unknown];
    if (!isKey(key))
      throw new MisfitOperationError(`${where}: micro-operation ${i + 1} has key ${JSON.stringify(key)}`);
    const parsed = read(f, key, element);
    if (parsed === undefined)
      throw new MisfitOperationError(
        `${where}: micro-operation ${i + 1} must be ${shapes}, got ${JSON.stringify(op)}`,
      );
    return parsed;
  });
}

function transactionsOf<Op>(
  operations: readonly HistoryOperation[],
  read: MicroOpReader<Op>,
  shapes: string,
): TransactionOf<Op>[] {
  return operations.map((operation) => {
    const where = `operation ${operation.id} (process ${operation.process}, :f ${operation.f})`;
    return {
      id: operation.id,
      process: operation.process,
      type: operation.type,
      ops: microOps(
        operation.type === 'ok' && operation.result !== undefined ? operation.result : operation.value,
        where,
        read,
        shapes,
      ),
      call: operation.call,
      return: operation.return,
    };
  });
}

/** Elle's workloads: how a history file's operations are read as transactions, and their checker. */
export const TRANSACTIONAL_WORKLOADS = {
  'list-append': (operations: readonly HistoryOperation[], consistency: ConsistencyModel) =>
    checkListAppend(transactionsOf(operations, listAppendOp, '[:append k v] or [:r k list]'), consistency),
  'rw-register': (operations: readonly HistoryOperation[], consistency: ConsistencyModel) =>
    checkRwRegister(transactionsOf(operations, registerOp, '[:w k v] or [:r k v]'), consistency),
} satisfies Record<
  string,
  (operations: readonly HistoryOperation[], consistency: ConsistencyModel) => TransactionalResult
>;
export type TransactionalWorkload = keyof typeof TRANSACTIONAL_WORKLOADS;
export const TRANSACTIONAL_WORKLOAD_NAMES = Object.keys(TRANSACTIONAL_WORKLOADS) as TransactionalWorkload[];
