/**
 * The history: every operation as an `invoke` event followed by exactly one
 * completion (`ok`, `fail` or `info`), plus fault start/stop events, each with
 * a monotonic timestamp in milliseconds since the start of the run.
 *
 * - ok:   the operation happened and this is what it returned.
 * - fail: the operation surely did not happen (the database said so).
 * - info: unknown outcome (timeout, dropped connection, crash mid-call): it may
 *         or may not have taken effect, and checkers must allow both.
 *
 * Events are streamed to an NDJSON file while the run goes on, so a long run
 * does not grow memory and an interrupted run keeps what it recorded.
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';

export type Outcome = 'ok' | 'fail' | 'info';

export interface InvokeEvent {
  type: 'invoke';
  id: number;
  worker: number;
  op: string;
  t: number;
  /** For paced workloads: when the operation was meant to start (coordinated omission). */
  intended?: number;
  args?: unknown;
}

export interface CompletionEvent {
  type: Outcome;
  id: number;
  worker: number;
  op: string;
  t: number;
  value?: unknown;
  error?: string;
}

export interface FaultEvent {
  type: 'fault-start' | 'fault-stop';
  fault: string;
  t: number;
  detail?: unknown;
}

export type HistoryEvent = InvokeEvent | CompletionEvent | FaultEvent;

/** How an operation ended: what `complete` records. */
export interface Completion {
  outcome: Outcome;
  value?: unknown;
  error?: string;
}

/** One operation with its invocation and completion joined. */
export interface Operation {
  id: number;
  worker: number;
  op: string;
  args: unknown;
  outcome: Outcome;
  invokedAt: number;
  completedAt: number;
  intendedAt?: number;
  value?: unknown;
  error?: string;
}

const FLUSH_BYTES = 64 * 1024;

/** `,"name":<JSON>` for a field with a value; nothing when JSON has none for it (undefined), as JSON.stringify skips it. */
function field(name: string, value: unknown): string {
  if (value === undefined) return '';
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    // A BigInt or a cycle in a target's args or result: recorded as such, never lost with the
    // rest of its batch (serialization runs later, also from the periodic flush).
    json = JSON.stringify(`unserializable: ${(error as Error).message}`);
  }
  return json === undefined ? '' : `,"${name}":${json}`;
}

/** The kind of a recorded operation event, the first of its values in `unwritten`. */
const INVOKE = 0;
const COMPLETE = 1;
/** Fields per recorded operation event in `unwritten`: kind, id, worker, op, t, args or result, intended. */
const EVENT_FIELDS = 7;
/** Operation events held before they are serialized together. */
const SERIALIZE_BATCH = 256;

/**
 * Appends events to an NDJSON file, buffered, with a synchronous flush so no exit path loses them.
 *
 * The two events of an operation are recorded as they happen (id and timestamp
 * taken at once) but serialized in batches of a few hundred: on the hot path of
 * a run, between two operations the CPU runs the kernel's network stack and
 * the database client, and serializing one event at a time there costs about
 * twice as much as serializing a batch in one go (`npm run bench`; every
 * microsecond of client CPU is taken from the database on a small machine).
 * So the history owns what it is given: args and results must not be changed
 * after they are recorded (the planner and the operations make them fresh).
 */
export class HistoryWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  /** Operation events recorded but not serialized yet, EVENT_FIELDS values each. */
  private unwritten: unknown[] = [];
  private nextId = 0;
  private readonly quotedOps = new Map<string, string>();
  private closed = false;
  private readonly startedAt = performance.now();
  private readonly timer: NodeJS.Timeout;
  /** Completions recorded so far: for the progress line. */
  completed = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
    // A periodic flush keeps the file close to the truth if the process dies hard.
    this.timer = setInterval(() => this.flush(), 250);
    this.timer.unref();
  }

  now(): number {
    return performance.now() - this.startedAt;
  }

  invoke(worker: number, op: string, args: unknown, intended?: number): number {
    const id = this.nextId++;
    this.record(INVOKE, id, worker, op, args, intended);
    return id;
  }

  complete(id: number, worker: number, op: string, result: Completion): void {
    this.completed++;
    this.record(COMPLETE, id, worker, op, result, undefined);
  }

  fault(type: FaultEvent['type'], fault: string, detail?: unknown): void {
    this.serializeUnwritten(); // in order with the operations' events
    this.append(`${JSON.stringify({ type, fault, t: this.stamp(), detail })}\n`);
  }

  private record(kind: number, id: number, worker: number, op: string, payload: unknown, intended?: number) {
    if (this.closed) return;
    this.unwritten.push(kind, id, worker, op, this.stamp(), payload, intended);
    if (this.unwritten.length >= SERIALIZE_BATCH * EVENT_FIELDS) this.serializeUnwritten();
  }

  /**
   * The recorded operation events as NDJSON lines. Text templates, not objects
   * given to JSON.stringify: that cuts the history's CPU per operation by about
   * a third. Fields in the order the writer has always used (args before
   * intended); undefined ones are left out, as JSON.stringify would.
   */
  private serializeUnwritten(): void {
    const events = this.unwritten;
    if (events.length === 0) return;
    this.unwritten = [];
    for (let at = 0; at < events.length; at += EVENT_FIELDS) {
      const id = events[at + 1] as number;
      const worker = events[at + 2] as number;
      const op = this.quoted(events[at + 3] as string);
      const t = events[at + 4] as number;
      if (events[at] === INVOKE) {
        const intended = events[at + 6] as number | undefined;
        let line = `{"type":"invoke","id":${id},"worker":${worker},"op":${op},"t":${t}`;
        line += field('args', events[at + 5]);
        if (intended !== undefined) line += `,"intended":${intended}`;
        this.append(`${line}}\n`);
      } else {
        const { outcome, value, error } = events[at + 5] as Completion;
        let line = `{"type":"${outcome}","id":${id},"worker":${worker},"op":${op},"t":${t}`;
        line += field('value', value) + field('error', error);
        this.append(`${line}}\n`);
      }
    }
  }

  /**
   * `now()` to the microsecond, which is all the clock's precision a history
   * needs; such a number is also much cheaper to print than one with all its
   * digits (this runs twice per operation).
   */
  private stamp(): number {
    return Math.round(this.now() * 1000) / 1000;
  }

  /** An operation name as JSON, made once per name: a run has only a few. */
  private quoted(op: string): string {
    let json = this.quotedOps.get(op);
    if (json === undefined) {
      json = JSON.stringify(op);
      this.quotedOps.set(op, json);
    }
    return json;
  }

  private append(line: string): void {
    if (this.closed) return;
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= FLUSH_BYTES) this.writeBuffer();
  }

  /** Write everything recorded so far to the file. */
  flush(): void {
    if (this.closed) return;
    this.serializeUnwritten();
    this.writeBuffer();
  }

  private writeBuffer(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bufferedBytes = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    clearInterval(this.timer);
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Read a history file back, event by event, without loading it whole; `path.gz` when it was compressed. */
export async function* readHistory(path: string): AsyncGenerator<HistoryEvent> {
  const lines = createInterface({
    input: historyStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    yield JSON.parse(line) as HistoryEvent;
  }
}

/** Whether a history is there to read, as written or compressed (compressHistoryFile). */
export function historyExists(path: string): boolean {
  return existsSync(path) || existsSync(`${path}.gz`);
}

function historyStream(path: string): Readable {
  if (existsSync(path) || !existsSync(`${path}.gz`)) return createReadStream(path, 'utf8');
  const file = createReadStream(`${path}.gz`);
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  return file.pipe(gunzip).setEncoding('utf8');
}

const COMPRESS_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Gzip a finished history in place (`x.ndjson` becomes `x.ndjson.gz`). Each
 * chunk is a gzip member of its own, so memory stays flat however long the
 * history; `gunzip`, `zcat` and readHistory read the members as one file.
 */
export function compressHistoryFile(path: string): void {
  const input = openSync(path, 'r');
  const partial = `${path}.gz.partial`;
  const output = openSync(partial, 'w');
  try {
    const chunk = Buffer.allocUnsafe(COMPRESS_CHUNK_BYTES);
    for (;;) {
      const read = readSync(input, chunk, 0, chunk.length, null);
      if (read === 0) break;
      writeSync(output, gzipSync(chunk.subarray(0, read)));
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
  // Only a complete .gz replaces the original: an interrupted compression leaves the history as it was.
  renameSync(partial, `${path}.gz`);
  rmSync(path);
}

/**
 * Join invocations with their completions. An invocation with no completion
 * (the run was interrupted or the worker crashed) becomes `info`: we cannot
 * know whether it happened.
 */
export function pairOperations(events: Iterable<HistoryEvent>): Operation[] {
  const open = new Map<number, InvokeEvent>();
  const operations: Operation[] = [];
  let lastT = 0;
  for (const event of events) {
    lastT = Math.max(lastT, event.t);
    if (event.type === 'invoke') {
      open.set(event.id, event);
      continue;
    }
    if (!isCompletion(event)) continue;
    const invoke = open.get(event.id);
    if (!invoke) throw new Error(`history: completion for operation ${event.id} without an invoke`);
    open.delete(event.id);
    operations.push(toOperation(invoke, event));
  }
  for (const invoke of open.values()) {
    operations.push(
      toOperation(invoke, {
        type: 'info',
        id: invoke.id,
        worker: invoke.worker,
        op: invoke.op,
        t: lastT,
        error: 'no completion recorded',
      }),
    );
  }
  return operations.sort((a, b) => a.id - b.id);
}

function isCompletion(event: HistoryEvent): event is CompletionEvent {
  return event.type === 'ok' || event.type === 'fail' || event.type === 'info';
}

function toOperation(invoke: InvokeEvent, completion: CompletionEvent): Operation {
  const operation: Operation = {
    id: invoke.id,
    worker: invoke.worker,
    op: invoke.op,
    args: invoke.args,
    outcome: completion.type,
    invokedAt: invoke.t,
    completedAt: completion.t,
  };
  if (invoke.intended !== undefined) operation.intendedAt = invoke.intended;
  if (completion.value !== undefined) operation.value = completion.value;
  if (completion.error !== undefined) operation.error = completion.error;
  return operation;
}

export async function loadOperations(path: string): Promise<Operation[]> {
  return (await loadHistory(path)).operations;
}

/** A fault window as the history recorded it: when it really started and was healed. */
export interface FaultRecord {
  fault: string;
  window: number;
  startedAt: number;
  /** Absent when the run ended before the fault was healed. */
  stoppedAt?: number;
  detail?: Record<string, unknown>;
}

export function pairFaults(events: Iterable<HistoryEvent>): FaultRecord[] {
  const records = new Map<number, FaultRecord>();
  for (const event of events) {
    if (event.type !== 'fault-start' && event.type !== 'fault-stop') continue;
    const { window, ...detail } = (event.detail ?? {}) as { window?: number } & Record<string, unknown>;
    const key = window ?? records.size;
    if (event.type === 'fault-start') {
      records.set(key, { fault: event.fault, window: key, startedAt: event.t, detail });
    } else {
      const record = records.get(key);
      if (record) {
        record.stoppedAt = event.t;
        record.detail = { ...record.detail, ...detail };
      }
    }
  }
  return [...records.values()].sort((a, b) => a.startedAt - b.startedAt);
}

/** Read a history file back: its operations and its fault windows. */
export async function loadHistory(path: string): Promise<{ operations: Operation[]; faults: FaultRecord[] }> {
  const events: HistoryEvent[] = [];
  for await (const event of readHistory(path)) events.push(event);
  return { operations: pairOperations(events), faults: pairFaults(events) };
}
