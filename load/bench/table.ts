/**
 * The bench's results, judged and printed as one table: measurement, the
 * harness's figure, the reference's, the geometric mean of the paired rounds'
 * ratios (95% interval), the goal and whether it was met. Context rows
 * (pgbench, mariadb-slap, k6) carry no goal and never fail the bench.
 */
import { type Comparison, compare, metGoal } from './comparison.ts';
import type { CountedRounds } from './host-steal.ts';
import type { Round } from './rounds.ts';

export type BenchResult =
  | ({ kind: 'ratio' } & Comparison)
  /** A figure that must stay under a limit (memory, report size). */
  | { kind: 'limit'; measurement: string; figure: number; unit: string; limit: number; detail?: string }
  /** A context comparison that has no figures (its tool never finished a counted round). */
  | { kind: 'missing'; measurement: string; referenceTool: string; reason: string };

/** A row shown beside the goals, never judged: a ratio with no goal, or a context tool with no figures. */
export const isContext = (result: BenchResult) =>
  result.kind === 'missing' || (result.kind === 'ratio' && result.goal === undefined);

export function met(result: BenchResult): boolean {
  if (result.kind === 'ratio') return metGoal(result);
  if (result.kind === 'limit') return result.figure < result.limit;
  return true;
}

/** 0 when every goal is met, 1 otherwise (the CLI's "checks failed"). */
export const exitCodeOfResults = (results: readonly BenchResult[]) => (results.every(met) ? 0 : 1);

export const figure = (x: number) =>
  x < 10 ? x.toFixed(2) : x.toLocaleString('en-US', { maximumFractionDigits: 0 });

const HEADER = ['measurement', 'harness', 'reference', 'geometric mean ratio (95% interval)', 'goal', 'met?'];

function cells(result: BenchResult): string[] {
  if (result.kind === 'missing')
    return [result.measurement, '-', result.referenceTool, result.reason, 'context', 'context'];
  if (result.kind === 'limit')
    return [
      result.measurement,
      `${figure(result.figure)} ${result.unit}${result.detail ? ` (${result.detail})` : ''}`,
      '-',
      '-',
      `< ${result.limit} ${result.unit}`,
      met(result) ? 'yes' : 'NO',
    ];
  const { interval } = result;
  const ratio = `${result.mean.toFixed(2)} ${
    interval ? `(${interval.low.toFixed(2)}-${interval.high.toFixed(2)})` : `(${result.ratios.length} round)`
  }`;
  const context = isContext(result);
  return [
    result.measurement,
    `${result.harnessTool} ${figure(result.harness)} ${result.unit}`,
    `${result.referenceTool} ${figure(result.reference)} ${result.unit}`,
    ratio,
    context ? 'context' : `>= ${result.goal}`,
    context ? 'context' : met(result) ? 'yes' : 'NO',
  ];
}

/** The table in Markdown, so it reads in a terminal and pastes into docs/benchmark.md as it is. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = [HEADER, ...results.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/**
 * A measurement's two rows: the harness against the reference its goal is
 * judged on, and against a context tool (a row saying why, when the context
 * tool counted no round). Throws when not one round counted for the goal.
 */
export function goalAndContext(
  measurement: string,
  rounds: CountedRounds<Round>,
  tools: {
    harness: string;
    reference: string;
    context: string;
    unit: string;
    goal: number;
    noContext: string;
  },
): BenchResult[] {
  const { harness, unit } = tools;
  const goal = compare(measurement, rounds, { harness, reference: tools.reference, unit, goal: tools.goal });
  if (!goal) throw new Error(`${measurement}: no round counted`);
  const context = compare(measurement, rounds, { harness, reference: tools.context, unit });
  return [
    { kind: 'ratio', ...goal },
    context
      ? { kind: 'ratio', ...context }
      : { kind: 'missing', measurement, referenceTool: tools.context, reason: tools.noContext },
  ];
}
