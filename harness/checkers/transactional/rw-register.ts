/**
 * Elle's read-write register checker. Transactions write unique values to
 * keys and read single values, so a read names the one write it saw. The
 * version order of a key is only partly recoverable: the initial state (null)
 * comes before every write, and, as Elle's `wfr-keys` assumption, a value a
 * transaction read comes before the value it then wrote to the same key
 * (true in every model whose writes follow their reads). From that order come
 * write-write, write-read and read-write dependencies; the rest (cycles,
 * real time, lost updates, the verdict per model) is shared with list-append.
 */
import {
  type Anomaly,
  type ConsistencyModel,
  cycles,
  type EdgeDetail,
  type Element,
  judged,
  type Key,
  lostUpdates,
  realtime,
  show,
  T,
  type TransactionalResult,
  type TransactionOf,
} from './anomalies.ts';
import { DependencyGraph, type Edge } from './graph.ts';

export type RegisterOp = ['w', Key, Element] | ['r', Key, Element | null];
export type RegisterTransaction = TransactionOf<RegisterOp>;

interface Written {
  txn: RegisterTransaction;
  /** Whether it is this transaction's last write to the key. */
  last: boolean;
}

/** A committed transaction's read of a key it had not read or written before: what the database showed it. */
interface ExternalRead {
  txn: RegisterTransaction;
  key: Key;
  value: Element | null;
}

/** Maps within a map: a key's values, each to what is known of it. */
class PerKey<V> {
  readonly byKey = new Map<Key, Map<Element | null, V>>();

  get(key: Key, value: Element | null): V | undefined {
    return this.byKey.get(key)?.get(value);
  }

  getOrSet(key: Key, value: Element | null, make: () => V): V {
    let values = this.byKey.get(key);
    if (!values) {
      values = new Map();
      this.byKey.set(key, values);
    }
    let known = values.get(value);
    if (known === undefined) {
      known = make();
      values.set(value, known);
    }
    return known;
  }
}

const inGraph = (txn: RegisterTransaction) => txn.type !== 'fail';

export function checkRwRegister(
  history: readonly RegisterTransaction[],
  consistency: ConsistencyModel = 'serializable',
): TransactionalResult {
  const anomalies: Anomaly[] = [];
  const written = indexWrites(history, anomalies);
  const committed = history.filter((t) => t.type === 'ok');
  const reads = externalReads(committed, anomalies);
  checkReads(reads, written, anomalies);
  const successors = versionOrder(committed, written);
  const graph = new DependencyGraph();
  dependencies(graph, reads, written, successors);
  realtime(graph, committed);
  lostUpdates(committed, 'write', anomalies);
  cycles(graph, 'write', anomalies, edgeDetails(reads, written, successors));
  return judged(anomalies, consistency, history.length);
}

/**
 * What a dependency edge is about, worked out again from the reads and
 * writes (the graph keeps only who and which kind): for the few edges of the
 * cycles explained.
 */
function edgeDetails(reads: ExternalRead[], written: PerKey<Written>, successors: PerKey<Set<Element>>) {
  const writerId = (key: Key, value: Element | null) =>
    value === null ? undefined : written.get(key, value)?.txn.id;
  return ({ from, to, kind }: Edge): EdgeDetail | undefined => {
    if (kind === 'wr') {
      const read = reads.find((r) => r.txn.id === to && writerId(r.key, r.value) === from);
      return read ? { key: read.key, element: read.value! } : undefined;
    }
    if (kind === 'rw')
      for (const read of reads) {
        if (read.txn.id !== from) continue;
        for (const next of successors.get(read.key, read.value) ?? [])
          if (writerId(read.key, next) === to) return { key: read.key, element: next, previous: read.value };
      }
    if (kind === 'ww')
      for (const [key, values] of successors.byKey)
        for (const [previous, nexts] of values)
          if (writerId(key, previous) === from)
            for (const next of nexts) if (writerId(key, next) === to) return { key, element: next, previous };
    return undefined;
  };
}

function indexWrites(history: readonly RegisterTransaction[], anomalies: Anomaly[]): PerKey<Written> {
  const written = new PerKey<Written>();
  for (const txn of history) {
    const writes = txn.ops.filter((op): op is ['w', Key, Element] => op[0] === 'w');
    for (const [i, [, key, value]] of writes.entries()) {
      const last = !writes.slice(i + 1).some(([, k]) => k === key);
      const entry = written.getOrSet(key, value, () => ({ txn, last }));
      if (entry.txn !== txn)
        anomalies.push({
          name: 'duplicate-writes',
          explanation: `${T(entry.txn.id)} and ${T(txn.id)} both wrote ${show(value)} to key ${show(key)}: values must be unique per key`,
          transactions: [entry.txn.id, txn.id],
        });
      else entry.last = last;
    }
  }
  return written;
}

/**
 * Each committed transaction's reads. A read after the transaction's own
 * write of the key must return that write (else it is internally
 * inconsistent); any other read is external, the database's answer. Two
 * external reads of one key may differ: a non-repeatable read, which read
 * committed allows and stronger models catch as a cycle.
 */
function externalReads(committed: readonly RegisterTransaction[], anomalies: Anomaly[]): ExternalRead[] {
  const reads: ExternalRead[] = [];
  for (const txn of committed) {
    const ownWrite = new Map<Key, Element>();
    for (const [f, key, value] of txn.ops) {
      if (f === 'w') {
        ownWrite.set(key, value);
        continue;
      }
      const seen = value ?? null;
      const own = ownWrite.get(key);
      if (own === undefined) reads.push({ txn, key, value: seen });
      else if (own !== seen)
        anomalies.push({
          name: 'internal',
          explanation: `${T(txn.id)} read key ${show(key)} as ${show(seen)} after it had written ${show(own)} there itself`,
          transactions: [txn.id],
        });
    }
  }
  return reads;
}

function checkReads(reads: ExternalRead[], written: PerKey<Written>, anomalies: Anomaly[]): void {
  for (const { txn, key, value } of reads) {
    if (value === null) continue; // the initial state
    const writer = written.get(key, value);
    if (!writer)
      anomalies.push({
        name: 'garbage-read',
        explanation: `${T(txn.id)} read ${show(value)} in key ${show(key)}, which no transaction wrote`,
        transactions: [txn.id],
      });
    else if (writer.txn.type === 'fail')
      anomalies.push({
        name: 'G1a',
        explanation: `${T(txn.id)} read ${T(writer.txn.id)}'s write of ${show(value)} to key ${show(key)}, but ${T(writer.txn.id)} aborted`,
        transactions: [writer.txn.id, txn.id],
      });
    else if (!writer.last && writer.txn !== txn)
      anomalies.push({
        name: 'G1b',
        explanation: `${T(txn.id)} read ${show(value)} in key ${show(key)}, an intermediate state of ${T(writer.txn.id)}, which wrote that key again afterwards`,
        transactions: [writer.txn.id, txn.id],
      });
  }
}

/**
 * What is known of each key's version order, as the versions that directly
 * follow a value (null: the initial state, before every write). A committed
 * transaction that read v1 and then wrote v2 to the same key installed v2 after v1.
 */
function versionOrder(
  committed: readonly RegisterTransaction[],
  written: PerKey<Written>,
): PerKey<Set<Element>> {
  const successors = new PerKey<Set<Element>>();
  for (const [key, values] of written.byKey)
    for (const [value, { txn }] of values)
      if (inGraph(txn) && value !== null) successors.getOrSet(key, null, () => new Set()).add(value);
  for (const txn of committed) {
    // The last value read before the first write of each key: the version the write came after.
    const readBefore = new Map<Key, Element | null>();
    const lastWrite = new Map<Key, Element>();
    for (const [f, key, value] of txn.ops) {
      if (f === 'r' && !lastWrite.has(key)) readBefore.set(key, value ?? null);
      if (f === 'w') lastWrite.set(key, value);
    }
    for (const [key, value] of lastWrite) {
      const read = readBefore.get(key);
      // The initial state precedes every write already.
      if (read !== undefined && read !== null && read !== value)
        successors.getOrSet(key, read, () => new Set()).add(value);
    }
  }
  return successors;
}

function dependencies(
  graph: DependencyGraph,
  reads: ExternalRead[],
  written: PerKey<Written>,
  successors: PerKey<Set<Element>>,
): void {
  const writerOf = (key: Key, value: Element) => {
    const writer = written.get(key, value)?.txn;
    return writer && inGraph(writer) ? writer : undefined;
  };
  for (const [key, values] of successors.byKey)
    for (const [previous, nexts] of values) {
      if (previous === null) continue; // the initial state has no writer
      const from = writerOf(key, previous);
      for (const element of nexts) {
        const to = writerOf(key, element);
        if (from && to) graph.add(from.id, to.id, 'ww');
      }
    }
  for (const { txn, key, value } of reads) {
    if (value !== null) {
      const writer = writerOf(key, value);
      if (writer) graph.add(writer.id, txn.id, 'wr');
    }
    for (const element of successors.get(key, value) ?? []) {
      const writer = writerOf(key, element);
      if (writer) graph.add(txn.id, writer.id, 'rw');
    }
  }
}
