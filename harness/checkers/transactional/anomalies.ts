/**
 * What Elle's two workloads (list-append, rw-register) share once each has
 * built its dependency graph: the anomalies and which consistency models
 * prohibit them, real-time order, lost updates, the cycles put in words, and
 * the verdict per model.
 */
import {
  type CycleAnomaly,
  type DependencyGraph,
  type Edge,
  stronglyConnected,
  weakestCycle,
} from './graph.ts';

export type Key = string | number;
export type Element = string | number;

/** A transaction of micro-operations `Op` (`[f, key, value]`). */
export interface TransactionOf<Op> {
  id: number;
  process: number;
  /** ok: committed; fail: surely aborted; info: unknown (it may have committed). */
  type: 'ok' | 'fail' | 'info';
  /** As completed for ok (reads hold what they read), as invoked otherwise. */
  ops: Op[];
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
  | 'duplicate-appends'
  | 'duplicate-writes';

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
export const IMPOSSIBLE: readonly AnomalyName[] = [
  'internal',
  'garbage-read',
  'duplicate-elements',
  'incompatible-order',
  'duplicate-appends',
  'duplicate-writes',
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

export interface TransactionalResult {
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

export const T = (id: number) => `T${id}`;
export const show = (value: unknown) => JSON.stringify(value);

/** How a workload's writes are named in explanations. */
export type WriteVerb = 'append' | 'write';

/** The verdict per model from the anomalies found. */
export function judged(
  anomalies: Anomaly[],
  consistency: ConsistencyModel,
  transactions: number,
): TransactionalResult {
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
    transactions,
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

interface Timed {
  id: number;
  call: number;
  return: number;
}

/**
 * Real-time order, transitively reduced as Elle does: when a transaction
 * begins, every one that completed before and is not already followed by
 * another completed one precedes it.
 */
export function realtime(graph: DependencyGraph, committed: readonly Timed[]): void {
  // Events as numbers, not objects (a million transactions make two million): 2i begins committed[i], 2i+1 ends it.
  const n = committed.length;
  const at = (event: number) => (event & 1 ? committed[event >> 1]!.return : committed[event >> 1]!.call);
  const events = new Int32Array(2 * n);
  for (let e = 0; e < 2 * n; e++) events[e] = e;
  // At one instant: completions, then beginnings (one that ended exactly as another began precedes
  // it), then the completions of transactions that took no time (they began at that instant too).
  const rank = (event: number) =>
    event & 1 ? (committed[event >> 1]!.return > committed[event >> 1]!.call ? 0 : 2) : 1;
  events.sort((a, b) => at(a) - at(b) || rank(a) - rank(b));
  let frontier: number[] = [];
  const before = new Map<number, Set<number>>();
  for (const event of events) {
    const i = event >> 1;
    if ((event & 1) === 0) {
      before.set(i, new Set(frontier));
      for (const earlier of frontier) graph.add(committed[earlier]!.id, committed[i]!.id, 'rt');
    } else {
      const superseded = before.get(i) ?? new Set();
      before.delete(i); // needed no more: memory stays with the concurrency, not the history
      frontier = [...frontier.filter((t) => !superseded.has(t)), i];
    }
  }
}

/**
 * Two committed transactions read the same version of a key and both wrote
 * it: one update is lost. A read's version is what it returned: a value for
 * rw-register, and for list-append the list's length (the reads of a key are
 * prefixes of one order, or an impossible order is reported).
 */
export function lostUpdates(
  committed: readonly TransactionOf<readonly [string, Key, unknown]>[],
  verb: WriteVerb,
  anomalies: Anomaly[],
): void {
  const byVersion = new Map<string, { key: Key; txns: Timed[] }>();
  const writeOp = verb === 'append' ? 'append' : 'w';
  for (const txn of committed) {
    const readFirst = new Map<Key, unknown>();
    for (const [f, key, value] of txn.ops) {
      if (f === 'r' && !readFirst.has(key)) readFirst.set(key, value ?? null);
      if (f === writeOp && readFirst.has(key)) {
        const read = readFirst.get(key);
        const version = `${show(key)} ${Array.isArray(read) ? `#${read.length}` : show(read)}`;
        const group = byVersion.get(version) ?? { key, txns: [] };
        if (!group.txns.includes(txn)) group.txns.push(txn);
        byVersion.set(version, group);
      }
    }
  }
  for (const { key, txns } of byVersion.values()) {
    if (txns.length < 2) continue;
    anomalies.push({
      name: 'lost-update',
      explanation: `${txns.map((t) => T(t.id)).join(' and ')} each read key ${show(key)} at the same version and ${verb === 'append' ? 'appended to' : 'wrote'} it: one update is lost`,
      transactions: txns.map((t) => t.id),
    });
  }
}

/** What an edge is about, found again by the checker that added it: its key and values. */
export interface EdgeDetail {
  key: Key;
  element: Element;
  /** ww: the earlier write `element` came after; rw (rw-register): the value the reader saw. */
  previous?: Element | null;
}

/** The weakest cycle of each strongly connected component, explained. */
export function cycles(
  graph: DependencyGraph,
  verb: WriteVerb,
  anomalies: Anomaly[],
  detailOf: (edge: Edge) => EdgeDetail | undefined,
): void {
  for (const component of stronglyConnected(graph)) {
    const cycle = weakestCycle(graph, component);
    if (cycle) anomalies.push(explainCycle(cycle.anomaly, cycle.edges, verb, detailOf));
  }
}

/** An edge in words, as Elle explains it. */
function because(edge: Edge, verb: WriteVerb, detail: EdgeDetail | undefined): string {
  const { from, to } = edge;
  const { key, element, previous } = detail ?? { key: '?', element: '?' };
  if (edge.kind === 'rt') return `${T(from)} completed before ${T(to)} began`;
  if (edge.kind === 'wr') return `${T(to)} read ${T(from)}'s ${verb} of ${show(element)} to key ${show(key)}`;
  if (edge.kind === 'rw') {
    const read = previous === undefined ? '' : ` (it read ${show(previous)})`;
    return `${T(from)}'s read of key ${show(key)}${read} did not see ${T(to)}'s ${verb} of ${show(element)}`;
  }
  return `${T(to)} ${verb === 'append' ? 'appended' : 'wrote'} ${show(element)} after ${T(from)}'s ${verb} of ${show(previous)} to key ${show(key)}`;
}

function explainCycle(
  name: CycleAnomaly,
  edges: Edge[],
  verb: WriteVerb,
  detailOf: (edge: Edge) => EdgeDetail | undefined,
): Anomaly {
  const steps = edges.map(
    (edge) =>
      `${T(edge.from)} < ${T(edge.to)} because ${because(edge, verb, edge.kind === 'rt' ? undefined : detailOf(edge))}`,
  );
  return {
    name,
    explanation: `${steps.join('; ')}: a cycle`,
    transactions: edges.map((edge) => edge.from),
  };
}
