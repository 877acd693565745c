import { expect, it } from 'vitest';
import { DependencyGraph, stronglyConnected, weakestCycle } from './graph.ts';

it('finds G-nonadjacent even when a shorter write-skew cycle shares its component', () => {
  const graph = new DependencyGraph();
  // Write skew: 1 and 2 each missed the other's write (two adjacent rw edges).
  graph.add(1, 2, 'rw');
  graph.add(2, 1, 'rw');
  // Through 1 too, a longer cycle whose rw edges never follow each other.
  graph.add(1, 3, 'rw');
  graph.add(3, 4, 'wr');
  graph.add(4, 5, 'rw');
  graph.add(5, 1, 'ww');
  const [component] = stronglyConnected(graph);
  expect(component).toHaveLength(5);
  const cycle = weakestCycle(graph, component!)!;
  expect(cycle.anomaly).toBe('G-nonadjacent');
  // The cycle may start at either rw edge.
  expect(cycle.edges.map((e) => `${e.from}-${e.kind}-${e.to}`).sort()).toEqual([
    '1-rw-3',
    '3-wr-4',
    '4-rw-5',
    '5-ww-1',
  ]);
});

it('calls a cycle of adjacent rw edges alone G2-item, and finds none in an acyclic graph', () => {
  const skew = new DependencyGraph();
  skew.add(1, 2, 'rw');
  skew.add(2, 1, 'rw');
  expect(weakestCycle(skew, stronglyConnected(skew)[0]!)!.anomaly).toBe('G2-item');
  const chain = new DependencyGraph();
  for (let i = 0; i < 1000; i++) chain.add(i, i + 1, i % 2 === 0 ? 'rw' : 'wr');
  expect(stronglyConnected(chain)).toEqual([]);
});
