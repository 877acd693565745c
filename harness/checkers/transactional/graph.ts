/**
 * The dependency graph of a transactional history, as Elle builds it: nodes
 * are transactions, edges say one must come before another and why (ww: it
 * overwrote, wr: it read, rw: it did not see, rt: real time, process order).
 * Strongly connected components (Tarjan) hold the cycles; each is searched for
 * its weakest cycle: only ww edges (G0), then ww and wr (G1c), then exactly
 * one rw (G-single), then rw edges never adjacent (G-nonadjacent), then any
 * (G2-item), and last the same with real-time edges (a strict serializability
 * violation only).
 */

export type EdgeKind = 'ww' | 'wr' | 'rw' | 'rt';

export interface Edge {
  from: number;
  to: number;
  kind: EdgeKind;
  /** The key and the value the dependency is about (none for real time); put in words only for a cycle. */
  key?: string | number;
  element?: string | number;
  /** ww: the earlier write `element` came after; rw (rw-register): the value the reader saw. */
  previous?: string | number | null;
}

export class DependencyGraph {
  readonly out = new Map<number, Edge[]>();

  add(edge: Edge): void {
    if (edge.from === edge.to) return;
    const list = this.out.get(edge.from);
    if (!list) this.out.set(edge.from, [edge]);
    else if (!list.some((e) => e.to === edge.to && e.kind === edge.kind)) list.push(edge);
  }

  nodes(): number[] {
    const all = new Set<number>();
    for (const [from, edges] of this.out) {
      all.add(from);
      for (const edge of edges) all.add(edge.to);
    }
    return [...all];
  }
}

/** The strongly connected components of more than one node (Tarjan's algorithm, iterative). */
export function stronglyConnected(graph: DependencyGraph): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (const root of graph.nodes()) {
    if (index.has(root)) continue;
    // Each frame: a node and how far through its edges the walk is.
    const frames: { node: number; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const edges = graph.out.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const next = edges[frame.edge++]!.to;
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          frames.push({ node: next, edge: 0 });
        } else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: number[] = [];
        for (;;) {
          const member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
          if (member === frame.node) break;
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
  edges: Edge[];
}

/** The shortest path from `from` to `to` over edges `allowed` keeps, inside `members`; undefined if none. */
function shortestPath(
  graph: DependencyGraph,
  members: Set<number>,
  from: number,
  to: number,
  allowed: (edge: Edge) => boolean,
): Edge[] | undefined {
  const came = new Map<number, Edge>();
  const queue = [from];
  const seen = new Set([from]);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const edge of graph.out.get(node) ?? []) {
      if (!members.has(edge.to) || seen.has(edge.to) || !allowed(edge)) continue;
      came.set(edge.to, edge);
      if (edge.to === to) {
        // Walk back along the edges that reached each node (from !== to: the graph has no self-loops).
        const path: Edge[] = [];
        for (let at = to; at !== from; at = path[0]!.from) path.unshift(came.get(at)!);
        return path;
      }
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return undefined;
}

/** A shortest cycle through `edge`'s nodes that closes it with edges `allowed` keeps. */
function cycleThrough(
  graph: DependencyGraph,
  members: Set<number>,
  edge: Edge,
  allowed: (e: Edge) => boolean,
) {
  const back = shortestPath(graph, members, edge.to, edge.from, allowed);
  return back ? [edge, ...back] : undefined;
}

function rwAdjacent(edges: Edge[]): boolean {
  return edges.some((edge, i) => edge.kind === 'rw' && edges[(i + 1) % edges.length]!.kind === 'rw');
}

/**
 * The weakest cycle in a component, as Elle looks for it. Without real-time
 * edges first; with them only when the component needs them.
 */
export function weakestCycle(graph: DependencyGraph, component: number[]): Cycle | undefined {
  const members = new Set(component);
  const edges = component.flatMap((node) => (graph.out.get(node) ?? []).filter((e) => members.has(e.to)));
  for (const realtime of [false, true]) {
    const suffix = realtime ? '-realtime' : '';
    const usable = (e: Edge) => realtime || e.kind !== 'rt';
    const find = (first: (e: Edge) => boolean, rest: (e: Edge) => boolean) => {
      let best: Edge[] | undefined;
      for (const edge of edges) {
        if (!first(edge) || !usable(edge)) continue;
        const cycle = cycleThrough(graph, members, edge, (e) => rest(e) && usable(e));
        if (cycle && (!best || cycle.length < best.length)) best = cycle;
      }
      return best;
    };
    const ww = (e: Edge) => e.kind === 'ww' || e.kind === 'rt';
    const wwOrWr = (e: Edge) => e.kind !== 'rw';
    const g0 = find(ww, ww);
    if (g0) return { anomaly: `G0${suffix}` as CycleAnomaly, edges: g0 };
    const g1c = find(wwOrWr, wwOrWr);
    if (g1c) return { anomaly: `G1c${suffix}` as CycleAnomaly, edges: g1c };
    const single = find((e) => e.kind === 'rw', wwOrWr);
    if (single) return { anomaly: `G-single${suffix}` as CycleAnomaly, edges: single };
    const any = find(
      () => true,
      () => true,
    );
    if (any) {
      const kind = rwAdjacent(any) ? 'G2-item' : 'G-nonadjacent';
      return { anomaly: `${kind}${suffix}` as CycleAnomaly, edges: any };
    }
  }
  return undefined;
}
