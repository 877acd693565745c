/**
 * Elle's list-append checker. Transactions append unique values to lists
 * and read whole lists, so each key's version order is recoverable from its
 * longest read. From it come write-write, write-read and read-write
 * dependencies between transactions, plus real-time order; cycles among them
 * are the anomalies of Adya's formalism (G0, G1c, G-single, G2-item), and
 * some anomalies show without a cycle (G1a aborted read, G1b intermediate
 * read, lost update, internal inconsistency, garbage and duplicate reads).
 * Each consistency model prohibits some of them: the history is allowed by a
 * model when none of those was found.
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

export {
  type Anomaly,
  type AnomalyName,
  CONSISTENCY_MODELS,
  type ConsistencyModel,
  type Element,
  type Key,
  PROHIBITED,
  type TransactionalResult,
} from './anomalies.ts';

export type MicroOp = ['append', Key, Element] | ['r', Key, Element[] | null];

/** A list-append transaction. */
export type Transaction = TransactionOf<MicroOp>;

/** Who appended each value to each key: maps within a map, no string built per lookup. */
class AppendIndex {
  private readonly byKey = new Map<Key, Map<Element, Appended>>();

  get(key: Key, element: Element): Appended | undefined {
    return this.byKey.get(key)?.get(element);
  }

  set(key: Key, element: Element, appended: Appended): void {
    let elements = this.byKey.get(key);
    if (!elements) {
      elements = new Map();
      this.byKey.set(key, elements);
    }
    elements.set(element, appended);
  }

  /** Every transaction that appended something. */
  writers(): Set<Transaction> {
    const writers = new Set<Transaction>();
    for (const elements of this.byKey.values()) for (const { txn } of elements.values()) writers.add(txn);
    return writers;
  }
}

interface Appended {
  txn: Transaction;
  /** Whether it is this transaction's last append to the key. */
  last: boolean;
}

export function checkListAppend(
  history: readonly Transaction[],
  consistency: ConsistencyModel = 'serializable',
): TransactionalResult {
  const anomalies: Anomaly[] = [];
  const appended = indexAppends(history, anomalies);
  const committed = history.filter((t) => t.type === 'ok');
  const reads: Read[] = committed.flatMap((txn) =>
    txn.ops.flatMap((op) => (op[0] === 'r' ? [{ txn, key: op[1], list: op[2] ?? [] }] : [])),
  );
  checkReads(reads, appended, anomalies);
  // Appends of aborted transactions (read uncommitted shows them) are no version of their key:
  // reading them is G1a, found above; the order of the rest is judged without them.
  const committedOnly = withoutAborted(appended);
  for (const r of reads) r.list = committedOnly(r.key, r.list);
  checkInternal(committed, committedOnly, anomalies);
  const orders = versionOrders(reads, anomalies);
  const graph = new DependencyGraph();
  const unobserved = dependencies(graph, orders, reads, appended);
  realtime(graph, committed);
  lostUpdates(committed, 'append', anomalies);
  cycles(graph, 'append', anomalies, edgeDetails(history, orders, appended, unobserved, committedOnly));
  return judged(anomalies, consistency, history.length);
}

/**
 * What a dependency edge is about, worked out again from the two
 * transactions (the graph keeps only who and which kind): for the few edges
 * of the cycles explained.
 */
function edgeDetails(
  history: readonly Transaction[],
  orders: Map<Key, Element[]>,
  appended: AppendIndex,
  unobserved: Map<Key, { txn: Transaction; element: Element }[]>,
  committedOnly: (key: Key, list: Element[]) => Element[],
) {
  let byId: Map<number, Transaction> | undefined;
  const txn = (id: number) => {
    byId ??= new Map(history.map((t) => [t.id, t]));
    return byId.get(id)!;
  };
  const writerId = (key: Key, element: Element | undefined) =>
    element === undefined ? undefined : appended.get(key, element)?.txn.id;
  const readsOf = (id: number) =>
    txn(id).ops.flatMap((op) =>
      op[0] === 'r' ? [{ key: op[1], list: committedOnly(op[1], op[2] ?? []) }] : [],
    );
  return ({ from, to, kind }: Edge): EdgeDetail | undefined => {
    if (kind === 'wr')
      for (const { key, list } of readsOf(to))
        if (writerId(key, list.at(-1)) === from) return { key, element: list.at(-1)! };
    if (kind === 'rw')
      for (const { key, list } of readsOf(from)) {
        const next = orders.get(key)?.[list.length];
        if (next !== undefined && writerId(key, next) === to) return { key, element: next };
        const missed = next === undefined && unobserved.get(key)?.find((u) => u.txn.id === to);
        if (missed) return { key, element: missed.element };
      }
    if (kind === 'ww')
      for (const op of txn(to).ops) {
        if (op[0] !== 'append') continue;
        const order = orders.get(op[1]) ?? [];
        const previous = order[order.indexOf(op[2]) - 1];
        if (previous !== undefined && writerId(op[1], previous) === from)
          return { key: op[1], element: op[2], previous };
      }
    return undefined;
  };
}

function indexAppends(history: readonly Transaction[], anomalies: Anomaly[]): AppendIndex {
  const appended = new AppendIndex();
  for (const txn of history) {
    const appends = txn.ops.filter((op): op is ['append', Key, Element] => op[0] === 'append');
    for (const [i, [, key, element]] of appends.entries()) {
      const earlier = appended.get(key, element);
      if (earlier && earlier.txn !== txn) {
        anomalies.push({
          name: 'duplicate-appends',
          explanation: `${T(earlier.txn.id)} and ${T(txn.id)} both appended ${show(element)} to key ${show(key)}: values must be unique per key`,
          transactions: [earlier.txn.id, txn.id],
        });
        continue;
      }
      const last = !appends.slice(i + 1).some(([, k]) => k === key);
      appended.set(key, element, { txn, last });
    }
  }
  return appended;
}

/** A list without the elements aborted transactions appended (the same list when it has none). */
function withoutAborted(appended: AppendIndex) {
  const aborted = (key: Key) => (element: Element) => appended.get(key, element)?.txn.type === 'fail';
  return (key: Key, list: Element[]): Element[] =>
    list.some(aborted(key)) ? list.filter((element) => !aborted(key)(element)) : list;
}

/** A transaction's reads agree with its own earlier reads and appends. */
function checkInternal(
  committed: readonly Transaction[],
  committedOnly: (key: Key, list: Element[]) => Element[],
  anomalies: Anomaly[],
): void {
  for (const txn of committed) {
    const seen = new Map<Key, { read: Element[] | undefined; since: Element[] }>();
    for (const op of txn.ops) {
      const state = seen.get(op[1]) ?? { read: undefined, since: [] };
      if (op[0] === 'append') {
        state.since.push(op[2]);
        seen.set(op[1], state);
        continue;
      }
      const list = committedOnly(op[1], op[2] ?? []);
      const prefixOk = state.read === undefined || state.read.every((e, i) => list[i] === e);
      const tail = list.slice(list.length - state.since.length);
      const ownOk = state.since.every((e, i) => tail[i] === e) && list.length >= state.since.length;
      if (!prefixOk || !ownOk)
        anomalies.push({
          name: 'internal',
          explanation:
            `${T(txn.id)} read key ${show(op[1])} as ${show(list)}, which does not follow from its own ` +
            `earlier read ${show(state.read ?? null)} and appends ${show(state.since)}`,
          transactions: [txn.id],
        });
      seen.set(op[1], { read: list, since: [] });
    }
  }
}

interface Read {
  txn: Transaction;
  key: Key;
  list: Element[];
}

function checkReads(reads: Read[], appended: AppendIndex, anomalies: Anomaly[]): void {
  for (const { txn, key, list } of reads) {
    if (new Set(list).size !== list.length)
      anomalies.push({
        name: 'duplicate-elements',
        explanation: `${T(txn.id)} read key ${show(key)} as ${show(list)}: an element twice`,
        transactions: [txn.id],
      });
    for (const element of list) {
      const writer = appended.get(key, element);
      if (!writer)
        anomalies.push({
          name: 'garbage-read',
          explanation: `${T(txn.id)} read ${show(element)} in key ${show(key)}, which no transaction appended`,
          transactions: [txn.id],
        });
      else if (writer.txn.type === 'fail')
        anomalies.push({
          name: 'G1a',
          explanation: `${T(txn.id)} read ${T(writer.txn.id)}'s append of ${show(element)} to key ${show(key)}, but ${T(writer.txn.id)} aborted`,
          transactions: [writer.txn.id, txn.id],
        });
    }
    const last = list[list.length - 1];
    if (last === undefined) continue;
    const writer = appended.get(key, last);
    if (writer && writer.txn !== txn && !writer.last && writer.txn.type !== 'fail')
      anomalies.push({
        name: 'G1b',
        explanation:
          `${T(txn.id)} read key ${show(key)} ending in ${show(last)}, an intermediate state of ` +
          `${T(writer.txn.id)}, which appended to that key again afterwards`,
        transactions: [writer.txn.id, txn.id],
      });
  }
}

/** Each key's version order: its longest read, once every read is a prefix of it. */
function versionOrders(reads: Read[], anomalies: Anomaly[]): Map<Key, Element[]> {
  const longest = new Map<Key, Read>();
  for (const read of reads) {
    const best = longest.get(read.key);
    if (!best || read.list.length > best.list.length) longest.set(read.key, read);
  }
  const reported = new Set<Key>();
  for (const read of reads) {
    const best = longest.get(read.key)!;
    if (read.list.every((e, i) => best.list[i] === e) || reported.has(read.key)) continue;
    reported.add(read.key);
    anomalies.push({
      name: 'incompatible-order',
      explanation: `${T(read.txn.id)} read key ${show(read.key)} as ${show(read.list)} and ${T(best.txn.id)} as ${show(best.list)}: no single order of appends gives both`,
      transactions: [read.txn.id, best.txn.id],
    });
  }
  return new Map([...longest].map(([key, read]) => [key, read.list]));
}

/** Can this transaction be part of the graph: committed, or unknown but observed. */
const inGraph = (txn: Transaction) => txn.type !== 'fail';

function dependencies(
  graph: DependencyGraph,
  orders: Map<Key, Element[]>,
  reads: Read[],
  appended: AppendIndex,
) {
  const writerOf = (key: Key, element: Element) => appended.get(key, element)?.txn;
  const unobserved = unobservedAppends(orders, appended);
  for (const [key, order] of orders) {
    for (let i = 0; i + 1 < order.length; i++) {
      const a = writerOf(key, order[i]!);
      const b = writerOf(key, order[i + 1]!);
      if (a && b && inGraph(a) && inGraph(b)) graph.add(a.id, b.id, 'ww');
    }
  }
  for (const { txn, key, list } of reads) {
    const last = list[list.length - 1];
    if (last !== undefined) {
      const writer = writerOf(key, last);
      if (writer && inGraph(writer)) graph.add(writer.id, txn.id, 'wr');
    }
    const order = orders.get(key) ?? [];
    const next = order[list.length];
    const missed = (writer: Transaction | undefined) => {
      if (writer && inGraph(writer)) graph.add(txn.id, writer.id, 'rw');
    };
    if (next !== undefined) missed(writerOf(key, next));
    // A committed append no read saw is in the final version, after every version read: each read missed it.
    else for (const { txn: writer } of unobserved.get(key) ?? []) missed(writer);
  }
  return unobserved;
}

/** Per key, the committed appends that no read observed. */
function unobservedAppends(orders: Map<Key, Element[]>, appended: AppendIndex) {
  const observed = new Map([...orders].map(([key, order]) => [key, new Set(order)]));
  const unobserved = new Map<Key, { txn: Transaction; element: Element }[]>();
  for (const txn of appended.writers()) {
    if (txn.type !== 'ok') continue;
    for (const op of txn.ops) {
      if (op[0] !== 'append' || observed.get(op[1])?.has(op[2])) continue;
      const list = unobserved.get(op[1]) ?? [];
      if (!list.some((u) => u.element === op[2])) list.push({ txn, element: op[2] });
      unobserved.set(op[1], list);
    }
  }
  return unobserved;
}
