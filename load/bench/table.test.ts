import { describe, expect, it } from 'vitest';
import { compare } from './comparison.ts';
import type { Round } from './rounds.ts';
import { type BenchResult, exitCodeOfResults, formatTable, isContext, met } from './table.ts';

const round = (figures: Round['figures']): Round => ({ figures, steal: {} });
const counted = (rounds: Round[]) => ({ rounds, disturbedRounds: [] });
const tools = { harness: 'harness', reference: 'bare', unit: 'tps' };

describe('compare', () => {
  it('judges the geometric mean of the paired ratios, not the best rounds', () => {
    // Best of each would be 100/100 = 1.0; the paired rounds say 0.9 and 0.8.
    const rounds = counted([round({ harness: 90, bare: 100 }), round({ harness: 100, bare: 125 })]);
    const c = compare('sql', rounds, { ...tools, goal: 0.95 })!;
    expect(c.ratios).toEqual([0.9, 0.8]);
    expect(c.mean).toBeCloseTo(Math.sqrt(0.72), 12);
    expect(c.harness / c.reference).toBeCloseTo(c.mean, 12);
    expect(c.interval!.low).toBeLessThan(c.mean);
    expect(met({ kind: 'ratio', ...c })).toBe(false);
    expect(met({ kind: 'ratio', ...compare('sql', rounds, { ...tools, goal: 0.84 })! })).toBe(true);
  });

  it('uses only the rounds with both figures, and gives nothing when none has them', () => {
    const rounds = counted([
      round({ harness: 90, bare: 100, slap: undefined }),
      round({ harness: 80, bare: 100, slap: 40 }),
    ]);
    expect(compare('sql', rounds, { harness: 'harness', reference: 'slap', unit: 'tps' })!.ratios).toEqual([
      2,
    ]);
    expect(compare('sql', counted([round({ harness: 1 })]), tools)).toBeUndefined();
  });

  it('gives no interval for one round, and says so in the table', () => {
    const c = compare('sql', counted([round({ harness: 96, bare: 100 })]), { ...tools, goal: 0.95 })!;
    expect(c.interval).toBeUndefined();
    expect(formatTable([{ kind: 'ratio', ...c }])).toContain('0.96 (1 round)');
  });
});

describe('the table and the exit code', () => {
  const goal = compare(
    'sql: postgres',
    counted([round({ harness: 96, bare: 100 }), round({ harness: 98, bare: 100 })]),
    {
      ...tools,
      goal: 0.95,
    },
  )!;
  const context = compare(
    'sql: postgres',
    counted([round({ harness: 96, pgbench: 200 }), round({ harness: 98, pgbench: 200 })]),
    {
      harness: 'harness',
      reference: 'pgbench',
      unit: 'tps',
    },
  )!;
  const results: BenchResult[] = [
    { kind: 'ratio', ...goal },
    { kind: 'ratio', ...context },
    {
      kind: 'missing',
      measurement: 'sql: mariadb',
      referenceTool: 'mariadb-slap',
      reason: 'no mariadb-slap round',
    },
    { kind: 'limit', measurement: 'memory', figure: 170, unit: 'MB', limit: 256 },
  ];

  it('prints every row with its goal, context rows marked as such', () => {
    const lines = formatTable(results).split('\n');
    expect(lines[0]).toMatch(
      /^\| measurement +\| harness +\| reference +\| geometric mean ratio \(95% interval\) \| goal +\| met\? +\|$/,
    );
    expect(lines[2]).toMatch(
      /\| harness 97 tps +\| bare 100 tps +\| 0\.97 \(0\.\d\d-1\.\d\d\) +\| >= 0\.95 +\| yes +\|$/,
    );
    expect(lines[3]).toMatch(/\| pgbench 200 tps +\| 0\.48 .*\| context +\| context +\|$/);
    expect(lines[4]).toMatch(/\| mariadb-slap +\| no mariadb-slap round +\| context +\| context +\|$/);
    expect(lines[5]).toMatch(/\| 170 MB +\| - +\| - +\| < 256 MB +\| yes +\|$/);
    expect(results.map(isContext)).toEqual([false, true, true, false]);
  });

  it('exits 0 when every goal is met, whatever the context rows say, and 1 when one is not', () => {
    expect(exitCodeOfResults(results)).toBe(0);
    expect(
      exitCodeOfResults([
        ...results,
        { kind: 'limit', measurement: 'memory', figure: 300, unit: 'MB', limit: 256 },
      ]),
    ).toBe(1);
    const missed = compare(
      'http',
      counted([round({ harness: 80, bare: 100 }), round({ harness: 85, bare: 100 })]),
      {
        ...tools,
        goal: 0.9,
      },
    )!;
    expect(exitCodeOfResults([...results, { kind: 'ratio', ...missed }])).toBe(1);
    expect(formatTable([{ kind: 'ratio', ...missed }])).toMatch(/\| >= 0\.9 +\| NO +\|$/m);
  });
});
