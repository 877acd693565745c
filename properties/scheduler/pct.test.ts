import { describe, expect, it } from 'vitest';
import type { Choice } from './interleaving-scheduler.ts';
import { pctChooser } from './pct.ts';

/** Run a chooser over clients that each send `statements` statements, all always waiting: the order it picks. */
function order(choose: (c: Choice) => number, statements: number[]): number[] {
  const left = [...statements];
  const picked: number[] = [];
  for (let step = 0; left.some((n) => n > 0); step++) {
    const parked = left.flatMap((n, client) => (n > 0 ? [{ client, sql: 'UPDATE t SET n = n + 1' }] : []));
    const client = choose({ step, parked });
    left[client]!--;
    picked.push(client);
  }
  return picked;
}

describe('PCT schedules', () => {
  it('runs the highest-priority client while it has statements, ties going to the lower client', () => {
    expect(order(pctChooser({ priorities: [1, 5, 3], changePoints: [] }), [2, 2, 2])).toEqual([
      1, 1, 2, 2, 0, 0,
    ]);
    expect(order(pctChooser({ priorities: [0, 0], changePoints: [] }), [2, 2])).toEqual([0, 0, 1, 1]);
  });

  it('lowers the client that ran at a change point below every other, the later change point the lower', () => {
    // Step 0: client 1 runs, then drops; client 0 runs to its end; client 1 finishes.
    expect(order(pctChooser({ priorities: [1, 5], changePoints: [0] }), [2, 2])).toEqual([1, 0, 0, 1]);
    // Two change points (depth 3): client 1 drops after step 0, then client 2 after step 1, below client 1.
    expect(order(pctChooser({ priorities: [1, 5, 3], changePoints: [1, 0] }), [2, 2, 2])).toEqual([
      1, 2, 0, 0, 1, 2,
    ]);
  });

  it('picks only among clients with a statement waiting', () => {
    const choose = pctChooser({ priorities: [9, 1], changePoints: [] });
    expect(choose({ step: 0, parked: [{ client: 1, sql: 'SELECT 1' }] })).toBe(1);
  });
});
