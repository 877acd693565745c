/**
 * Sequential models shipped with the linearizability checker. Inputs carry
 * `f`, the function, as Jepsen histories do. States are primitives or
 * canonical strings, so the search's cache compares them with `Object.is`.
 */
import type { LinearOperation, Model } from './model.ts';

type Value = string | number | null;

/** A read/write register: `{f:'read'} -> value`, `{f:'write', value}`. */
export type RegisterInput = { f: 'read' } | { f: 'write'; value: Value };

export function register(initial: Value = null): Model<Value, RegisterInput, Value> {
  return {
    name: 'register',
    init: () => initial,
    step: (state, input, output) => {
      if (input.f === 'write') return [true, input.value];
      return [output === undefined || output === state, state];
    },
    readOnly: (input) => input.f === 'read',
    changesNothing: (input) => input.f === 'read',
    describeOperation: (input, output) =>
      input.f === 'write'
        ? `write ${show(input.value)}`
        : `read -> ${output === undefined ? '?' : show(output)}`,
    describeState: show,
  };
}

/**
 * A compare-and-set register (Knossos' cas-register): read, write, and
 * `{f:'cas', from, to}` answered `true` when the value was `from` (and is now
 * `to`), `false` when it was not.
 */
export type CasInput = RegisterInput | { f: 'cas'; from: Value; to: Value };

export function casRegister(initial: Value = null): Model<Value, CasInput, Value | boolean> {
  return {
    name: 'cas-register',
    init: () => initial,
    step: (state, input, output) => {
      if (input.f === 'write') return [true, input.value];
      if (input.f === 'read') return [output === undefined || output === state, state];
      const swaps = state === input.from;
      if (output === undefined) return [true, swaps ? input.to : state];
      return [output === swaps, swaps ? input.to : state];
    },
    readOnly: (input) => input.f === 'read',
    changesNothing: (input, output) => input.f === 'read' || (input.f === 'cas' && output === false),
    describeOperation: (input, output) => {
      const result = output === undefined ? '?' : show(output as Value);
      if (input.f === 'write') return `write ${show(input.value)}`;
      if (input.f === 'read') return `read -> ${result}`;
      return `cas ${show(input.from)} -> ${show(input.to)}: ${result}`;
    },
    describeState: show,
  };
}

/**
 * The article's optimistic lock: a row with a value and a version column.
 * `{f:'read'} -> {value, version}`; `{f:'update', value, expectedVersion}`
 * (`UPDATE ... SET value = ?, version = version + 1 WHERE id = ? AND version = ?`)
 * answered `{updated: true}` when the version matched (one row changed) and
 * `{updated: false}` when it did not (a conflict: zero rows). `expectedVersion`
 * null is an update at whatever version is current (one whose read is not
 * known, as when its outcome is unknown).
 */
export type VersionedInput = { f: 'read' } | { f: 'update'; value: Value; expectedVersion: number | null };
export type VersionedOutput = { value: Value; version: number } | { updated: boolean };

/** State as `version:value` text: a primitive, so the cache compares it directly. */
type VersionedState = string;
const versioned = (version: number, value: Value): VersionedState => `${version}:${JSON.stringify(value)}`;
const parseVersioned = (state: VersionedState) => {
  const colon = state.indexOf(':');
  return { version: Number(state.slice(0, colon)), value: JSON.parse(state.slice(colon + 1)) as Value };
};

export function versionedRegister(
  initial: { value: Value; version: number } = { value: null, version: 0 },
): Model<VersionedState, VersionedInput, VersionedOutput> {
  return {
    name: 'versioned-register',
    init: () => versioned(initial.version, initial.value),
    step: (state, input, output) => {
      const current = parseVersioned(state);
      if (input.f === 'read') {
        if (output === undefined) return [true, state];
        const read = output as { value: Value; version: number };
        return [read.version === current.version && read.value === current.value, state];
      }
      const matches = input.expectedVersion === null || current.version === input.expectedVersion;
      const after = matches ? versioned(current.version + 1, input.value) : state;
      if (output === undefined) return [true, after];
      return [(output as { updated: boolean }).updated === matches, after];
    },
    readOnly: (input) => input.f === 'read',
    changesNothing: (input, output) =>
      input.f === 'read' || (output as { updated: boolean }).updated === false,
    describeOperation: (input, output) => {
      if (input.f === 'read') {
        const read = output as { value: Value; version: number } | undefined;
        return `read -> ${read === undefined ? '?' : `${show(read.value)} (version ${read.version})`}`;
      }
      const updated =
        output === undefined ? '?' : (output as { updated: boolean }).updated ? 'updated' : 'conflict';
      const condition = input.expectedVersion === null ? '' : ` if version ${input.expectedVersion}`;
      return `update to ${show(input.value)}${condition}: ${updated}`;
    },
    describeState: (state) => {
      const { value, version } = parseVersioned(state);
      return `${show(value)} (version ${version})`;
    },
  };
}

/** A counter: `{f:'add', amount}`, `{f:'read'} -> total`. */
export type CounterInput = { f: 'add'; amount: number } | { f: 'read' };

export function counter(initial = 0): Model<number, CounterInput, number | null> {
  return {
    name: 'counter',
    init: () => initial,
    step: (state, input, output) =>
      input.f === 'add' ? [true, state + input.amount] : [output === undefined || output === state, state],
    readOnly: (input) => input.f === 'read',
    changesNothing: (input) => input.f === 'read',
    describeOperation: (input, output) =>
      input.f === 'add' ? `add ${input.amount}` : `read -> ${output === undefined ? '?' : output}`,
    describeState: String,
  };
}

/** A grow-only set: `{f:'add', element}`, `{f:'read'} -> elements` (any order). */
export type SetInput = { f: 'add'; element: Value } | { f: 'read' };

/** State: the sorted elements as JSON text. */
export function set(): Model<string, SetInput, Value[] | null> {
  const canonical = (elements: Value[]) =>
    JSON.stringify([...new Set(elements.map((e) => JSON.stringify(e)))].sort());
  return {
    name: 'set',
    init: () => '[]',
    step: (state, input, output) => {
      if (input.f === 'read') return [output === undefined || canonical(output ?? []) === state, state];
      const elements = (JSON.parse(state) as string[]).map((e) => JSON.parse(e) as Value);
      return [true, canonical([...elements, input.element])];
    },
    readOnly: (input) => input.f === 'read',
    changesNothing: (input) => input.f === 'read',
    describeOperation: (input, output) =>
      input.f === 'add'
        ? `add ${show(input.element)}`
        : `read -> ${output === undefined ? '?' : `{${(output ?? []).map(show).join(', ')}}`}`,
    describeState: (state) => `{${(JSON.parse(state) as string[]).join(', ')}}`,
  };
}

/** A FIFO queue: `{f:'enqueue', value}`, `{f:'dequeue'} -> value` (null when empty). */
export type QueueInput = { f: 'enqueue'; value: Value } | { f: 'dequeue' };

/** State: the queued values as JSON text, oldest first. */
export function fifoQueue(): Model<string, QueueInput, Value> {
  return {
    name: 'fifo-queue',
    init: () => '[]',
    step: (state, input, output) => {
      const queue = JSON.parse(state) as Value[];
      if (input.f === 'enqueue') return [true, JSON.stringify([...queue, input.value])];
      if (queue.length === 0) return [output === undefined || output === null, state];
      const after = JSON.stringify(queue.slice(1));
      return [output === undefined || output === queue[0], after];
    },
    changesNothing: (input, output) => input.f === 'dequeue' && output === null,
    describeOperation: (input, output) =>
      input.f === 'enqueue'
        ? `enqueue ${show(input.value)}`
        : `dequeue -> ${output === undefined ? '?' : show(output)}`,
    describeState: (state) => `[${(JSON.parse(state) as Value[]).map(show).join(', ')}]`,
  };
}

/**
 * A key-value store of independent registers: each input names its `key`,
 * and the history is checked per key (P-compositionality), with `inner` as
 * the model of one key.
 */
export function keyValue<State, Input, Output>(
  inner: Model<State, Input, Output>,
): Model<State, Input & { key: string | number }, Output> {
  return {
    ...(inner as unknown as Model<State, Input & { key: string | number }, Output>),
    name: `key-value of ${inner.name}`,
    partition: (operations) => {
      const byKey = new Map<string | number, LinearOperation<Input & { key: string | number }, Output>[]>();
      for (const operation of operations) {
        const list = byKey.get(operation.input.key);
        if (list) list.push(operation);
        else byKey.set(operation.input.key, [operation]);
      }
      return [...byKey.values()];
    },
    describeOperation: (input, output) =>
      `key ${show(input.key)}: ${inner.describeOperation ? inner.describeOperation(input, output) : JSON.stringify(input)}`,
  };
}

function show(value: Value | boolean | undefined): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The models by the names `chaos check --model` takes. */
export const MODELS = {
  register: () => register(),
  'cas-register': () => casRegister(),
  'versioned-register': () => versionedRegister(),
  counter: () => counter(),
  set: () => set(),
  'fifo-queue': () => fifoQueue(),
  'kv-register': () => keyValue(register()),
  'kv-cas-register': () => keyValue(casRegister()),
} as const;
