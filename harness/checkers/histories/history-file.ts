/**
 * A history file from anywhere, as operations: the harness's own NDJSON
 * (`histories/*.ndjson`, gzipped or not) or a Jepsen EDN history (one
 * `{:type :invoke, :f :write, :value 3, :process 0}` map a line, or one
 * vector of them, as Knossos' test data is). An invocation is paired with
 * the next completion of its process (Jepsen) or of its id (the harness); one
 * never completed has an unknown outcome, like `:info`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type Edn, EdnError, readEdn } from './edn.ts';

/** One operation in Jepsen's terms. */
export interface HistoryOperation {
  id: number;
  process: number;
  f: string;
  /** The value it was invoked with. */
  value: unknown;
  /** The value it completed with (`ok` only). */
  result: unknown;
  type: 'ok' | 'fail' | 'info';
  call: number;
  /** Infinity when the outcome is unknown. */
  return: number;
}

export class HistoryFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    why: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${why}`);
  }
}

/** An operation of a readable history that does not fit what it is judged as (a model, a workload). */
export class MisfitOperationError extends Error {}

export function readHistoryFile(file: string): HistoryOperation[] {
  let text: string;
  try {
    const bytes = readFileSync(file);
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    throw new HistoryFileError(file, undefined, `cannot read it: ${(error as Error).message}`);
  }
  const first = text.trimStart()[0];
  if (first === undefined) throw new HistoryFileError(file, undefined, 'it is empty');
  if (first === '{' && /^\s*\{\s*"/.test(text)) return fromHarnessNdjson(file, text);
  return fromEdn(file, text);
}

const COMPLETIONS = new Set(['ok', 'fail', 'info']);

function fromHarnessNdjson(file: string, text: string): HistoryOperation[] {
  const open = new Map<number, HistoryOperation>();
  const operations: HistoryOperation[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let event: {
      type?: unknown;
      id?: unknown;
      worker?: unknown;
      op?: unknown;
      t?: unknown;
      args?: unknown;
      value?: unknown;
    };
    try {
      event = JSON.parse(line);
    } catch (error) {
      throw new HistoryFileError(file, index + 1, `not JSON (${(error as Error).message})`);
    }
    if (event.type === 'fault-start' || event.type === 'fault-stop') continue;
    if (typeof event.id !== 'number' || typeof event.t !== 'number')
      throw new HistoryFileError(file, index + 1, 'an event needs a numeric "id" and "t"');
    if (event.type === 'invoke') {
      const operation: HistoryOperation = {
        id: event.id,
        process: typeof event.worker === 'number' ? event.worker : 0,
        f: String(event.op),
        value: event.args,
        result: undefined,
        type: 'info',
        call: event.t,
        return: Number.POSITIVE_INFINITY,
      };
      open.set(event.id, operation);
      operations.push(operation);
    } else if (COMPLETIONS.has(event.type as string)) {
      const operation = open.get(event.id);
      if (!operation)
        throw new HistoryFileError(file, index + 1, `a completion of operation ${event.id}, never invoked`);
      open.delete(event.id);
      complete(operation, event.type as HistoryOperation['type'], event.value, event.t);
    } else throw new HistoryFileError(file, index + 1, `unknown event type ${JSON.stringify(event.type)}`);
  }
  return operations;
}

function complete(
  operation: HistoryOperation,
  type: HistoryOperation['type'],
  result: unknown,
  time: number,
): void {
  operation.type = type;
  if (type === 'ok') {
    operation.result = result;
    operation.return = time;
  } else if (type === 'fail') operation.return = time;
}

function fromEdn(file: string, text: string): HistoryOperation[] {
  const maps: { map: Edn; line: number | undefined }[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('(')) {
    let all: Edn;
    try {
      all = readEdn(text);
    } catch (error) {
      throw new HistoryFileError(file, undefined, `not EDN (${(error as Error).message})`);
    }
    if (!Array.isArray(all)) throw new HistoryFileError(file, undefined, 'expected a vector of operations');
    for (const map of all) maps.push({ map, line: undefined });
  } else {
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '' || line.trimStart().startsWith(';')) continue;
      try {
        maps.push({ map: readEdn(line), line: index + 1 });
      } catch (error) {
        if (!(error instanceof EdnError)) throw error;
        throw new HistoryFileError(file, index + 1, `not EDN (${error.message})`);
      }
    }
  }
  const open = new Map<number, HistoryOperation>();
  const operations: HistoryOperation[] = [];
  for (const [index, { map, line }] of maps.entries()) {
    if (map === null || typeof map !== 'object' || Array.isArray(map))
      throw new HistoryFileError(
        file,
        line,
        'expected an operation map like {:type :invoke, :f :read, :process 0}',
      );
    const process = map.process;
    // The nemesis (a keyword process) is not a client: its operations are faults, not history.
    if (typeof process !== 'number') continue;
    const time = typeof map.time === 'number' ? map.time : index;
    if (map.type === 'invoke') {
      const operation: HistoryOperation = {
        id: typeof map.index === 'number' ? map.index : index,
        process,
        f: String(map.f),
        value: map.value,
        result: undefined,
        type: 'info',
        call: time,
        return: Number.POSITIVE_INFINITY,
      };
      open.set(process, operation);
      operations.push(operation);
    } else if (COMPLETIONS.has(map.type as string)) {
      const operation = open.get(process);
      if (!operation)
        throw new HistoryFileError(
          file,
          line,
          `a completion for process ${process}, which has no operation open`,
        );
      open.delete(process);
      complete(operation, map.type as HistoryOperation['type'], map.value, time);
    } else throw new HistoryFileError(file, line, `unknown :type ${JSON.stringify(map.type)}`);
  }
  return operations;
}
