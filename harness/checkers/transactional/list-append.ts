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
import { type CycleAnomaly, DependencyGraph, type Edge, stronglyConnected, weakestCycle } from './graph.ts';

export type Key = string | number;
export type Element = string | number;
export type MicroOp = ['append', Key, Element] | ['r', Key, Element[] | null];

export interface Transaction {
  id: number;
  process: number;
  /** ok: committed; fail: surely aborted; info: unknown (it may have committed). */
  type: 'ok' | 'fail' | 'info';
  /** As completed for ok (reads hold what they read), as invoked otherwise. */
  ops: MicroOp[];
  call: number;
  /** Infinity for info. */
  return: number;
}

export type AnomalyName =
  | CycleAnomaly
  | 'G1a'
  | 'G1b'
  | 'lost-update'
  | 'internal'
  | 'garbage-read'
  | 'duplicate-elements'
  | 'incompatible-order'
  | 'duplicate-appends';

export interface Anomaly {
  name: AnomalyName;
  explanation: string;
  transactions: number[];
}

export const CONSISTENCY_MODELS = [
  'read-uncommitted',
  'read-committed',
  'repeatable-read',
  'snapshot-isolation',
  'serializable',
  'strict-serializable',
] as const;
export type ConsistencyModel = (typeof CONSISTENCY_MODELS)[number];

/** What no model allows: the history itself is impossible. */
const IMPOSSIBLE: AnomalyName[] = [
  'internal',
  'garbage-read',
  'duplicate-elements',
  'incompatible-order',
  'duplicate-appends',
];
const G1: AnomalyName[] = ['G1a', 'G1b', 'G1c'];
const CYCLES_WITH_RW: AnomalyName[] = ['G-single', 'G-nonadjacent', 'G2-item'];
const REALTIME: AnomalyName[] = [
  'G0-realtime',
  'G1c-realtime',
  'G-single-realtime',
  'G-nonadjacent-realtime',
  'G2-item-realtime',
];

/** Which anomalies each model prohibits (Adya; Elle's table, for histories of single items). */
export const PROHIBITED: Record<ConsistencyModel, AnomalyName[]> = {
  'read-uncommitted': [...IMPOSSIBLE, 'G0'],
  'read-committed': [...IMPOSSIBLE, 'G0', ...G1],
  'repeatable-read': [...IMPOSSIBLE, 'G0', ...G1, ...CYCLES_WITH_RW, 'lost-update'],
  // Snapshot isolation allows write skew: a cycle with two adjacent read-write edges (G2-item).
  'snapshot-isolation': [...IMPOSSIBLE, 'G0', ...G1, 'G-single', 'G-nonadjacent', 'lost-update'],
  serializable: [...IMPOSSIBLE, 'G0', ...G1, ...CYCLES_WITH_RW, 'lost-update'],
  'strict-serializable': [...IMPOSSIBLE, 'G0', ...G1, ...CYCLES_WITH_RW, 'lost-update', ...REALTIME],
};

export interface ListAppendResult {
  /** Allowed by `consistency`. */
  valid: boolean;
  consistency: ConsistencyModel;
  anomalies: Anomaly[];
  /** For each model, whether the history is allowed by it. */
  models: Record<ConsistencyModel, boolean>;
  /** The weakest models the history violates (repeatable read and snapshot isolation are incomparable). */
  weakestViolated: ConsistencyModel[];
  transactions: number;
}

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
const T = (id: number) => `T${id}`;
const show = (value: unknown) => JSON.stringify(value);

interface Appended {
  txn: Transaction;
  /** Whether it is this transaction's last append to the key. */
  last: boolean;
}

export function checkListAppend(
  history: readonly Transaction[],
  consistency: ConsistencyModel = 'serializable',
): ListAppendResult {
  const anomalies: Anomaly[] = [];
  const appended = indexAppends(history, anomalies);
  const committed = history.filter((t) => t.type === 'ok');
  const reads = committed.flatMap((txn) =>
    txn.ops.flatMap((op) => (op[0] === 'r' ? [{ txn, key: op[1], list: op[2] ?? [] }] : [])),
  );
  checkInternal(committed, anomalies);
  checkReads(reads, appended, anomalies);
  const orders = versionOrders(reads, anomalies);
  const graph = new DependencyGraph();
  dependencies(graph, orders, reads, appended);
  realtime(graph, committed);
  lostUpdates(committed, anomalies);
  for (const component of stronglyConnected(graph)) {
    const cycle = weakestCycle(graph, component);
    if (cycle) anomalies.push(explainCycle(cycle.anomaly, cycle.edges));
  }
  const found = new Set(anomalies.map((a) => a.name));
  const models = Object.fromEntries(
    CONSISTENCY_MODELS.map((model) => [model, !PROHIBITED[model].some((name) => found.has(name))]),
  ) as Record<ConsistencyModel, boolean>;
  return {
    valid: models[consistency],
    consistency,
    anomalies,
    models,
    weakestViolated: weakest(models),
    transactions: history.length,
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

/** A transaction's reads agree with its own earlier reads and appends. */
function checkInternal(committed: readonly Transaction[], anomalies: Anomaly[]): void {
  for (const txn of committed) {
    const seen = new Map<Key, { read: Element[] | undefined; since: Element[] }>();
    for (const op of txn.ops) {
      const state = seen.get(op[1]) ?? { read: undefined, since: [] };
      if (op[0] === 'append') {
        state.since.push(op[2]);
        seen.set(op[1], state);
        continue;
      }
      const list = op[2] ?? [];
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
): void {
  const writerOf = (key: Key, element: Element) => appended.get(key, element)?.txn;
  const unobserved = unobservedAppends(orders, appended);
  for (const [key, order] of orders) {
    for (let i = 0; i + 1 < order.length; i++) {
      const a = writerOf(key, order[i]!);
      const b = writerOf(key, order[i + 1]!);
      if (a && b && inGraph(a) && inGraph(b))
        graph.add({ from: a.id, to: b.id, kind: 'ww', key, element: order[i + 1]!, previous: order[i]! });
    }
  }
  for (const { txn, key, list } of reads) {
    const last = list[list.length - 1];
    if (last !== undefined) {
      const writer = writerOf(key, last);
      if (writer && inGraph(writer))
        graph.add({ from: writer.id, to: txn.id, kind: 'wr', key, element: last });
    }
    const order = orders.get(key) ?? [];
    const next = order[list.length];
    const missed = (writer: Transaction | undefined, element: Element) => {
      if (writer && inGraph(writer)) graph.add({ from: txn.id, to: writer.id, kind: 'rw', key, element });
    };
    if (next !== undefined) missed(writerOf(key, next), next);
    // A committed append no read saw is in the final version, after every version read: each read missed it.
    else for (const { txn: writer, element } of unobserved.get(key) ?? []) missed(writer, element);
  }
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

/**
 * Real-time order, transitively reduced as Elle does: when a transaction
 * begins, every one that completed before and is not already followed by
 * another completed one precedes it.
 */
function realtime(graph: DependencyGraph, committed: readonly Transaction[]): void {
  type Event = { at: number; begins: boolean; txn: Transaction };
  const events: Event[] = committed.flatMap((txn) => [
    { at: txn.call, begins: true, txn },
    { at: txn.return, begins: false, txn },
  ]);
  // At the same instant, completions before beginnings: one ended exactly as another began precedes it.
  events.sort((a, b) => a.at - b.at || Number(a.begins) - Number(b.begins));
  let frontier: Transaction[] = [];
  const before = new Map<number, Set<number>>();
  for (const { begins, txn } of events) {
    if (begins) {
      before.set(txn.id, new Set(frontier.map((t) => t.id)));
      for (const earlier of frontier) graph.add({ from: earlier.id, to: txn.id, kind: 'rt' });
    } else {
      const superseded = before.get(txn.id) ?? new Set();
      before.delete(txn.id); // needed no more: memory stays with the concurrency, not the history
      frontier = [...frontier.filter((t) => !superseded.has(t.id)), txn];
    }
  }
}

/** Two committed transactions read the same version of a key and both appended to it. */
function lostUpdates(committed: readonly Transaction[], anomalies: Anomaly[]): void {
  const byVersion = new Map<string, { key: Key; txns: Transaction[] }>();
  for (const txn of committed) {
    const readFirst = new Map<Key, Element[]>();
    for (const op of txn.ops) {
      if (op[0] === 'r' && !readFirst.has(op[1])) readFirst.set(op[1], op[2] ?? []);
      if (op[0] === 'append' && readFirst.has(op[1])) {
        const version = `${show(op[1])} ${show(readFirst.get(op[1]))}`;
        const group = byVersion.get(version) ?? { key: op[1], txns: [] };
        if (!group.txns.includes(txn)) group.txns.push(txn);
        byVersion.set(version, group);
      }
    }
  }
  for (const { key, txns } of byVersion.values()) {
    if (txns.length < 2) continue;
    anomalies.push({
      name: 'lost-update',
      explanation: `${txns.map((t) => T(t.id)).join(' and ')} each read key ${show(key)} at the same version and appended to it: one update is lost`,
      transactions: txns.map((t) => t.id),
    });
  }
}

/** An edge in words, as Elle explains it. */
function because(edge: Edge): string {
  const { from, to, key, element } = edge;
  if (edge.kind === 'rt') return `${T(from)} completed before ${T(to)} began`;
  if (edge.kind === 'wr') return `${T(to)} read ${T(from)}'s append of ${show(element)} to key ${show(key)}`;
  if (edge.kind === 'rw')
    return `${T(from)}'s read of key ${show(key)} did not see ${T(to)}'s append of ${show(element)}`;
  return `${T(to)} appended ${show(element)} after ${T(from)}'s append of ${show(edge.previous)} to key ${show(key)}`;
}

function explainCycle(name: CycleAnomaly, edges: Edge[]): Anomaly {
  const steps = edges.map((edge) => `${T(edge.from)} < ${T(edge.to)} because ${because(edge)}`);
  return {
    name,
    explanation: `${steps.join('; ')}: a cycle`,
    transactions: edges.map((edge) => edge.from),
  };
}

function weakest(models: Record<ConsistencyModel, boolean>): ConsistencyModel[] {
  // Weakest first; repeatable read and snapshot isolation are incomparable, so both may be named.
  const chain: ConsistencyModel[][] = [
    ['read-uncommitted'],
    ['read-committed'],
    ['repeatable-read', 'snapshot-isolation'],
    ['serializable'],
    ['strict-serializable'],
  ];
  for (const level of chain) {
    const violated = level.filter((model) => !models[model]);
    if (violated.length > 0) return violated;
  }
  return [];
}
