/**
 * The shipped models applied to a history file's operations in Jepsen's
 * terms (`:f` and `:value`, as Knossos reads them): what `chaos check
 * --model NAME` judges. Independent keys come as `[key value]` tuples, as
 * Jepsen's `independent` checker writes them.
 */
import { type HistoryOperation, MisfitOperationError } from '../histories/history-file.ts';
import type { LinearOperation, Model } from './model.ts';
import { casRegister, counter, fifoQueue, keyValue, register, set, versionedRegister } from './models.ts';

type Value = string | number | null;

interface HistoryModel {
  model: Model<unknown, unknown, unknown>;
  /** The operation as the model's input and output; a message when it does not fit the model. */
  read(operation: HistoryOperation): { input: unknown; output: unknown } | string;
}

const scalar = (value: unknown): Value => (value === undefined ? null : (value as Value));

function registerOperation(operation: HistoryOperation, cas: boolean) {
  const { f, value, result } = operation;
  if (f === 'read') return { input: { f: 'read' }, output: scalar(result) };
  if (f === 'write') return { input: { f: 'write', value: scalar(value) }, output: null };
  if (cas && f === 'cas') {
    if (!Array.isArray(value) || value.length !== 2) return 'a cas needs [from to] as its value';
    return {
      input: { f: 'cas', from: scalar(value[0]), to: scalar(value[1]) },
      output: result !== false,
    };
  }
  return `:f ${JSON.stringify(f)} is not one of ${cas ? 'read, write, cas' : 'read, write'}`;
}

/** `[key value]` to the key and an operation on the value alone. */
function keyed(
  operation: HistoryOperation,
  inner: (op: HistoryOperation) => { input: unknown; output: unknown } | string,
) {
  const invoked = operation.value;
  if (!Array.isArray(invoked) || invoked.length !== 2)
    return 'a key-value operation needs [key value] as its value';
  const completed = Array.isArray(operation.result) ? operation.result[1] : operation.result;
  const read = inner({ ...operation, value: invoked[1], result: completed });
  if (typeof read === 'string') return read;
  return { input: { ...(read.input as object), key: invoked[0] as string | number }, output: read.output };
}

const HISTORY_MODELS: Record<string, () => HistoryModel> = {
  register: () => ({
    model: register(null) as Model<unknown, unknown, unknown>,
    read: (op) => registerOperation(op, false),
  }),
  'cas-register': () => ({
    model: casRegister(null) as Model<unknown, unknown, unknown>,
    read: (op) => registerOperation(op, true),
  }),
  'versioned-register': () => ({
    model: versionedRegister() as Model<unknown, unknown, unknown>,
    read: ({ f, value, result }) => {
      if (f === 'read') return { input: { f: 'read' }, output: result };
      const update = value as { value?: Value; expectedVersion?: number | null } | undefined;
      if (f === 'update' && update && typeof update === 'object')
        return {
          input: {
            f: 'update',
            value: scalar(update.value),
            expectedVersion: update.expectedVersion ?? null,
          },
          output: result ?? { updated: true },
        };
      return ':f must be read or update ({value, expectedVersion})';
    },
  }),
  counter: () => ({
    model: counter(0) as Model<unknown, unknown, unknown>,
    read: ({ f, value, result }) => {
      if (f === 'read') return { input: { f: 'read' }, output: result };
      if ((f === 'add' || f === 'increment') && typeof (value ?? 1) === 'number')
        return { input: { f: 'add', amount: (value as number | undefined) ?? 1 }, output: null };
      return ':f must be read or add (a number)';
    },
  }),
  set: () => ({
    model: set() as Model<unknown, unknown, unknown>,
    read: ({ f, value, result }) => {
      if (f === 'read') return { input: { f: 'read' }, output: Array.isArray(result) ? result : [] };
      if (f === 'add') return { input: { f: 'add', element: scalar(value) }, output: null };
      return ':f must be read or add';
    },
  }),
  'fifo-queue': () => ({
    model: fifoQueue() as Model<unknown, unknown, unknown>,
    read: ({ f, value, result }) => {
      if (f === 'enqueue') return { input: { f: 'enqueue', value: scalar(value) }, output: null };
      if (f === 'dequeue') return { input: { f: 'dequeue' }, output: scalar(result) };
      return ':f must be enqueue or dequeue';
    },
  }),
  'kv-register': () => ({
    model: keyValue(register(null)) as Model<unknown, unknown, unknown>,
    read: (op) => keyed(op, (inner) => registerOperation(inner, false)),
  }),
  'kv-cas-register': () => ({
    model: keyValue(casRegister(null)) as Model<unknown, unknown, unknown>,
    read: (op) => keyed(op, (inner) => registerOperation(inner, true)),
  }),
};

export const HISTORY_MODEL_NAMES = Object.keys(HISTORY_MODELS);

/**
 * The model of that name and the history's operations as its operations;
 * throws naming the first operation that does not fit it.
 */
export function historyForModel(
  name: string,
  operations: readonly HistoryOperation[],
): { model: Model<unknown, unknown, unknown>; history: LinearOperation<unknown, unknown>[] } {
  const make = HISTORY_MODELS[name];
  if (!make)
    throw new Error(`unknown model ${JSON.stringify(name)}: one of ${HISTORY_MODEL_NAMES.join(', ')}`);
  const { model, read } = make();
  const history: LinearOperation<unknown, unknown>[] = [];
  for (const operation of operations) {
    if (operation.type === 'fail') continue; // it did not happen
    const known = operation.type === 'ok';
    const read_ = read(operation);
    if (typeof read_ === 'string')
      throw new MisfitOperationError(
        `operation ${operation.id} (process ${operation.process}, :f ${operation.f}): ${read_}`,
      );
    history.push({
      id: operation.id,
      client: operation.process,
      input: read_.input,
      output: known ? read_.output : undefined,
      call: operation.call,
      return: known ? operation.return : Number.POSITIVE_INFINITY,
      known,
    });
  }
  return { model, history };
}
