/**
 * PCT against uniform random schedules, measured: for each broken variant the
 * scheduler can run, how many generated cases each strategy needs before the
 * first failing one (unshrunk), over many seeds. The median decides which
 * strategy `property` uses by default (DEFAULT_SCHEDULE_STRATEGY); the bench
 * prints the table over 20 seeds.
 */

import { median } from '../harness/core/stats.ts';
import type { TargetDefinition } from '../harness/core/target.ts';
import { textTable } from '../harness/core/text-table.ts';
import type { ServerPool } from '../harness/providers/server-pool.ts';
import type { CaseLimits, ScheduleStrategy } from './concurrency-property.ts';
import { runProperty } from './property-run.ts';

export interface ScheduleSubject {
  target: TargetDefinition;
  variant: string;
}

export interface StrategyFigures {
  /** Cases to the first failure, per seed; undefined where none failed within the budget. */
  cases: (number | undefined)[];
  /** Median over the seeds; a seed that found nothing counts as more than the budget. */
  median: number;
  found: number;
}

export interface ComparisonRow {
  target: string;
  variant: string;
  random: StrategyFigures;
  pct: StrategyFigures;
}

export interface ComparisonOptions {
  seeds: number[];
  /** The most cases tried per seed. */
  maxCases: number;
  limits: CaseLimits;
}

export function figures(cases: (number | undefined)[], maxCases: number): StrategyFigures {
  return {
    cases,
    median: median(cases.map((c) => c ?? maxCases + 1)),
    found: cases.filter((c) => c !== undefined).length,
  };
}

/** How many cases `strategy` took to find the first failure on `seed`; undefined if none within the budget. */
export async function casesToFirstFailure(
  subject: ScheduleSubject,
  pool: ServerPool,
  strategy: ScheduleStrategy,
  seed: number,
  options: Pick<ComparisonOptions, 'maxCases' | 'limits'>,
): Promise<number | undefined> {
  const result = await runProperty(subject.target, subject.variant, pool, {
    runs: options.maxCases,
    seed,
    limits: options.limits,
    strategy,
    endOnFailure: true,
  });
  return result.held ? undefined : result.runs;
}

export async function compareSchedules(
  subjects: ScheduleSubject[],
  pool: ServerPool,
  options: ComparisonOptions,
): Promise<ComparisonRow[]> {
  const rows: ComparisonRow[] = [];
  for (const subject of subjects) {
    const cases: Record<ScheduleStrategy, (number | undefined)[]> = { random: [], pct: [] };
    // Alternating per seed, so a machine that slows down mid-run weighs on both alike.
    for (const seed of options.seeds)
      for (const strategy of ['random', 'pct'] as const)
        cases[strategy].push(await casesToFirstFailure(subject, pool, strategy, seed, options));
    rows.push({
      target: subject.target.name,
      variant: subject.variant,
      random: figures(cases.random, options.maxCases),
      pct: figures(cases.pct, options.maxCases),
    });
  }
  return rows;
}

/** The table: median cases to first failure and seeds that found it, per strategy. */
export function formatComparison(rows: ComparisonRow[], options: ComparisonOptions): string {
  const cell = (f: StrategyFigures) =>
    `${f.median > options.maxCases ? `>${options.maxCases}` : f.median} (${f.found}/${f.cases.length})`;
  return textTable(
    ['broken variant', 'random: median cases (seeds found)', 'pct: median cases (seeds found)'],
    rows.map((r) => [`${r.target} / ${r.variant}`, cell(r.random), cell(r.pct)]),
  );
}
