/**
 * The dependency graph of a transactional history, as Elle builds it: nodes
 * are transactions, edges say one must come before another and why (ww: it
 * overwrote, wr: it read, rw: it did not see, rt: real time). Strongly
 * connected components (Tarjan) hold the cycles; each is searched for its
 * weakest cycle: only ww edges (G0), then ww and wr (G1c), then exactly one
 * rw (G-single), then rw edges never adjacent (G-nonadjacent), then any
 * (G2-item), and last the same with real-time edges (a strict
 * serializability violation only).
 *
 * A history of a million transactions has some ten million edges, so they
 * are kept in typed arrays (nine bytes an edge), not objects; what an edge is
 * about (its key and values) is worked out again by the checker, for the few
 * edges of a cycle it explains.
 */

export type EdgeKind = 'ww' | 'wr' | 'rw' | 'rt';
const KINDS: EdgeKind[] = ['ww', 'wr', 'rw', 'rt'];
const CODE: Record<EdgeKind, number> = { ww: 0, wr: 1, rw: 2, rt: 3 };

/** An edge between two transactions, by their ids. */
export interface Edge {
  from: number;
  to: number;
  kind: EdgeKind;
}

/** A growable array of 32-bit integers. */
class IntList {
  values = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

export class DependencyGraph {
  /** Transaction id -> dense node number, and back. */
  private readonly nodeOf = new Map<number, number>();
  private readonly ids: number[] = [];
  private readonly from = new IntList();
  /** The target node and the kind, packed: node * 4 + kind. */
  private readonly toAndKind = new IntList();
  private adjacency?: { offsets: Int32Array; targets: Int32Array };

  private node(id: number): number {
    let node = this.nodeOf.get(id);
    if (node === undefined) {
      node = this.ids.length;
      this.nodeOf.set(id, node);
      this.ids.push(id);
    }
    return node;
  }

  add(from: number, to: number, kind: EdgeKind): void {
    if (from === to) return;
    this.from.push(this.node(from));
    this.toAndKind.push(this.node(to) * 4 + CODE[kind]);
    this.adjacency = undefined;
  }

  get size(): number {
    return this.ids.length;
  }

  idOf(node: number): number {
    return this.ids[node]!;
  }

  /** Each node's outgoing edges, contiguous (built once, by counting sort, after the last add). */
  out(): { offsets: Int32Array; targets: Int32Array } {
    if (this.adjacency) return this.adjacency;
    const n = this.ids.length;
    const offsets = new Int32Array(n + 1);
    const from = this.from.values;
    for (let i = 0; i < this.from.length; i++) offsets[from[i]! + 1] = offsets[from[i]! + 1]! + 1;
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i + 1]! + offsets[i]!;
    const targets = new Int32Array(this.from.length);
    const fill = offsets.slice(0, n);
    for (let i = 0; i < this.from.length; i++) {
      const node = from[i]!;
      targets[fill[node]!] = this.toAndKind.values[i]!;
      fill[node] = fill[node]! + 1;
    }
    this.adjacency = { offsets, targets };
    return this.adjacency;
  }
}

/** The strongly connected components of more than one node, as dense node numbers (Tarjan's algorithm, iterative). */
export function stronglyConnected(graph: DependencyGraph): number[][] {
  const { offsets, targets } = graph.out();
  const n = graph.size;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let stackTop = 0;
  // The walk: a node per frame, and how far through its edges it is.
  const frameNode = new Int32Array(n);
  const frameEdge = new Int32Array(n);
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    const enter = (node: number) => {
      index[node] = low[node] = counter++;
      stack[stackTop++] = node;
      onStack[node] = 1;
      frameNode[depth] = node;
      frameEdge[depth++] = offsets[node]!;
    };
    enter(root);
    while (depth > 0) {
      const node = frameNode[depth - 1]!;
      const edge = frameEdge[depth - 1]!;
      if (edge < offsets[node + 1]!) {
        frameEdge[depth - 1] = edge + 1;
        const next = targets[edge]! >> 2;
        if (index[next] === -1) enter(next);
        else if (onStack[next]) low[node] = Math.min(low[node]!, index[next]!);
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = frameNode[depth - 1]!;
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === index[node]) {
        const component: number[] = [];
        for (;;) {
          const member = stack[--stackTop]!;
          onStack[member] = 0;
          component.push(member);
          if (member === node) break;
        }
        if (component.length > 1) components.push(component);
      }
    }
  }
  return components;
}

export type CycleAnomaly =
  | 'G0'
  | 'G1c'
  | 'G-single'
  | 'G-nonadjacent'
  | 'G2-item'
  | 'G0-realtime'
  | 'G1c-realtime'
  | 'G-single-realtime'
  | 'G-nonadjacent-realtime'
  | 'G2-item-realtime';

export interface Cycle {
  anomaly: CycleAnomaly;
  /** By transaction id, in order around the cycle. */
  edges: Edge[];
}

/** An edge between dense nodes, as the cycle search handles it. */
interface NodeEdge {
  from: number;
  to: number;
  kind: number;
}

/** The shortest path from `from` to `to` over edges `allowed` keeps, inside `members`; undefined if none. */
function shortestPath(
  graph: DependencyGraph,
  members: Set<number>,
  from: number,
  to: number,
  allowed: (kind: number) => boolean,
): NodeEdge[] | undefined {
  const { offsets, targets } = graph.out();
  const came = new Map<number, NodeEdge>();
  const queue = [from];
  const seen = new Set([from]);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (let e = offsets[node]!; e < offsets[node + 1]!; e++) {
      const next = targets[e]! >> 2;
      const kind = targets[e]! & 3;
      if (!members.has(next) || seen.has(next) || !allowed(kind)) continue;
      came.set(next, { from: node, to: next, kind });
      if (next === to) {
        // Walk back along the edges that reached each node (from !== to: the graph has no self-loops).
        const path: NodeEdge[] = [];
        for (let at = to; at !== from; at = path[0]!.from) path.unshift(came.get(at)!);
        return path;
      }
      seen.add(next);
      queue.push(next);
    }
  }
  return undefined;
}

/**
 * The shortest path from `from` to `to` on which no two rw edges follow each
 * other, having just come over an rw edge, and not ending with one: the rest
 * of a cycle that starts with an rw edge and has no two rw edges adjacent.
 */
function shortestNonadjacentPath(
  graph: DependencyGraph,
  members: Set<number>,
  from: number,
  to: number,
  usable: (kind: number) => boolean,
): NodeEdge[] | undefined {
  const { offsets, targets } = graph.out();
  // A state is a node and whether the edge that reached it was rw: node * 2 + (1 if rw).
  const start = from * 2 + 1;
  const came = new Map<number, { state: number; edge: NodeEdge }>();
  const seen = new Set([start]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const node = state >> 1;
    for (let e = offsets[node]!; e < offsets[node + 1]!; e++) {
      const next = targets[e]! >> 2;
      const kind = targets[e]! & 3;
      if (!members.has(next) || !usable(kind) || (kind === RW && (state & 1) === 1)) continue;
      const nextState = next * 2 + (kind === RW ? 1 : 0);
      if (seen.has(nextState)) continue;
      seen.add(nextState);
      came.set(nextState, { state, edge: { from: node, to: next, kind } });
      if (next === to && kind !== RW) {
        const path: NodeEdge[] = [];
        for (let at = nextState; at !== start; at = came.get(at)!.state) path.unshift(came.get(at)!.edge);
        return path;
      }
      queue.push(nextState);
    }
  }
  return undefined;
}

const WW = CODE.ww;
const RW = CODE.rw;
const RT = CODE.rt;

function rwAdjacent(edges: NodeEdge[]): boolean {
  return edges.some((edge, i) => edge.kind === RW && edges[(i + 1) % edges.length]!.kind === RW);
}

/**
 * The weakest cycle in a component, as Elle looks for it. Without real-time
 * edges first; with them only when the component needs them.
 */
export function weakestCycle(graph: DependencyGraph, component: number[]): Cycle | undefined {
  const { offsets, targets } = graph.out();
  const members = new Set(component);
  const edges: NodeEdge[] = [];
  for (const node of component)
    for (let e = offsets[node]!; e < offsets[node + 1]!; e++)
      if (members.has(targets[e]! >> 2))
        edges.push({ from: node, to: targets[e]! >> 2, kind: targets[e]! & 3 });
  const asCycle = (anomaly: string, found: NodeEdge[]): Cycle => ({
    anomaly: anomaly as CycleAnomaly,
    edges: found.map((e) => ({ from: graph.idOf(e.from), to: graph.idOf(e.to), kind: KINDS[e.kind]! })),
  });
  for (const realtime of [false, true]) {
    const suffix = realtime ? '-realtime' : '';
    const usable = (kind: number) => realtime || kind !== RT;
    const find = (first: (kind: number) => boolean, rest: (kind: number) => boolean) => {
      let best: NodeEdge[] | undefined;
      for (const edge of edges) {
        if (!first(edge.kind) || !usable(edge.kind)) continue;
        const back = shortestPath(graph, members, edge.to, edge.from, (k) => rest(k) && usable(k));
        if (back && (!best || back.length + 1 < best.length)) best = [edge, ...back];
      }
      return best;
    };
    const ww = (kind: number) => kind === WW || kind === RT;
    const wwOrWr = (kind: number) => kind !== RW;
    const g0 = find(ww, ww);
    if (g0) return asCycle(`G0${suffix}`, g0);
    const g1c = find(wwOrWr, wwOrWr);
    if (g1c) return asCycle(`G1c${suffix}`, g1c);
    const single = find((kind) => kind === RW, wwOrWr);
    if (single) return asCycle(`G-single${suffix}`, single);
    let nonadjacent: NodeEdge[] | undefined;
    for (const edge of edges) {
      if (edge.kind !== RW || !usable(edge.kind)) continue;
      const back = shortestNonadjacentPath(graph, members, edge.to, edge.from, usable);
      if (back && (!nonadjacent || back.length + 1 < nonadjacent.length)) nonadjacent = [edge, ...back];
    }
    if (nonadjacent) return asCycle(`G-nonadjacent${suffix}`, nonadjacent);
    const any = find(
      () => true,
      () => true,
    );
    if (any) return asCycle(`${rwAdjacent(any) ? 'G2-item' : 'G-nonadjacent'}${suffix}`, any);
  }
  return undefined;
}
