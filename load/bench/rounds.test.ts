import { describe, expect, it } from 'vitest';
import { orderOf, pairedRounds, type Tool } from './rounds.ts';

/** Stand-in for withSteal: the steal each call reports comes from `steals`, in order (0 once they run out). */
function stealsOf(steals: number[]) {
  let call = 0;
  return async <T>(run: () => Promise<T>) => ({ value: await run(), steal: steals[call++] ?? 0 });
}

/** Tools that record the order they ran in and return the figures given. */
function recordingTools(
  figures: Record<string, (round: number) => number | undefined>,
  context: string[] = [],
) {
  const ran: string[] = [];
  const tools: Tool[] = Object.entries(figures).map(([name, figure]) => ({
    name,
    context: context.includes(name),
    run: async (round) => {
      ran.push(`${round}:${name}`);
      return figure(round);
    },
  }));
  return { tools, ran };
}

const quietly = { maxSteal: 0.03, unit: 'tps', measure: stealsOf([]), log: () => {} };

describe('paired rounds', () => {
  it('reverse the order every other round, so each pair of tools goes first equally often', async () => {
    expect(orderOf(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(orderOf(['a', 'b', 'c'], 1)).toEqual(['c', 'b', 'a']);
    const { tools, ran } = recordingTools({ harness: () => 10, bare: () => 11 });
    const { rounds } = await pairedRounds(tools, { ...quietly, rounds: 2 });
    expect(ran).toEqual(['0:harness', '0:bare', '1:bare', '1:harness']);
    expect(rounds.map((r) => r.figures)).toEqual([
      { harness: 10, bare: 11 },
      { bare: 11, harness: 10 },
    ]);
  });

  it('run a round again when the host stole too much from any tool, up to three tries per round', async () => {
    const { tools } = recordingTools({ harness: () => 10, bare: () => 11, pgbench: () => 12 }, ['pgbench']);
    // Round 1: pgbench (a context tool) lost 10%: the round is measured again.
    const measure = stealsOf([0, 0, 0.1, 0, 0, 0]);
    const result = await pairedRounds(tools, { ...quietly, rounds: 1, measure });
    expect(result.rounds).toHaveLength(1);
    expect(result.disturbedRounds).toHaveLength(1);
    expect(result.disturbedRounds[0]!.steal).toEqual({ harness: 0, bare: 0, pgbench: 0.1 });
    // Never quiet: three tries, then all are counted.
    const busy = await pairedRounds(tools, { ...quietly, rounds: 1, measure: stealsOf(Array(9).fill(0.2)) });
    expect(busy.rounds).toHaveLength(3);
    expect(busy.disturbedRounds).toHaveLength(0);
  });

  it('drop a round a judged tool did not finish, but keep one a context tool did not', async () => {
    const { tools } = recordingTools(
      {
        harness: (round) => (round === 0 ? undefined : 10),
        bare: () => 11,
        slap: (round) => (round === 1 ? undefined : 9),
      },
      ['slap'],
    );
    const { rounds } = await pairedRounds(tools, { ...quietly, rounds: 2 });
    expect(rounds.map((r) => r.figures)).toEqual([
      { slap: undefined, bare: 11, harness: 10 },
      { harness: 10, bare: 11, slap: 9 },
    ]);
  });

  it('leave out a context tool that throws, after saying so once; a judged tool that throws stops the bench', async () => {
    const lines: string[] = [];
    let calls = 0;
    const broken: Tool = {
      name: 'k6',
      context: true,
      run: async () => {
        calls++;
        throw new Error('k6 not found\nmore');
      },
    };
    const { tools } = recordingTools({ harness: () => 10, wrk: () => 11 });
    const { rounds } = await pairedRounds([...tools, broken], {
      ...quietly,
      rounds: 3,
      log: (l) => lines.push(l),
    });
    expect(rounds).toHaveLength(3);
    expect(calls).toBe(1);
    expect(lines.filter((l) => l.includes('k6 failed (k6 not found); context only'))).toHaveLength(1);
    const failing: Tool = {
      name: 'harness',
      run: async () => {
        throw new Error('harness run failed');
      },
    };
    await expect(pairedRounds([failing], { ...quietly, rounds: 1 })).rejects.toThrow('harness run failed');
  });
});
