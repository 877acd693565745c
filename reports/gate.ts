/**
 * The CI regression gate: a run compared with a stored baseline run
 * (both results.json). A regression is a broken variant no longer caught, a
 * correct variant with new violations (or no longer holding), a throughput
 * drop or a p99 rise beyond the tolerances, or a run the baseline had that is
 * missing now.
 */
import type { RunResult, SuiteResults } from '../harness/core/results.ts';
import { printable } from './printable.ts';
import { violationCount } from './terminal.ts';

export interface GateTolerances {
  /** Largest allowed drop in ok operations per second, as a fraction of the baseline (0.2 = 20%). */
  throughputDrop: number;
  /** Largest allowed rise in p99 latency, as a fraction of the baseline (0.5 = 50%). */
  p99Rise: number;
  /** p99 changes smaller than this many ms are noise, whatever the fraction. */
  p99SlackMs: number;
}

export const DEFAULT_TOLERANCES: GateTolerances = { throughputDrop: 0.2, p99Rise: 0.5, p99SlackMs: 2 };

export interface Regression {
  run: string;
  kind: 'not-caught' | 'new-violations' | 'no-longer-holds' | 'throughput-drop' | 'p99-rise' | 'missing';
  message: string;
}

const keyOf = (r: RunResult) => `${r.scenario} / ${r.variant}`;

export function compareRuns(
  baseline: SuiteResults,
  current: SuiteResults,
  tolerances: GateTolerances = DEFAULT_TOLERANCES,
): Regression[] {
  const now = new Map(current.runs.map((r) => [keyOf(r), r]));
  const regressions: Regression[] = [];
  for (const before of baseline.runs) {
    const run = keyOf(before);
    const after = now.get(run);
    if (!after) {
      regressions.push({ run, kind: 'missing', message: 'in the baseline but not in this run' });
      continue;
    }
    if (before.broken) {
      if (before.passed && !after.passed)
        regressions.push({
          run,
          kind: 'not-caught',
          message: `broken variant no longer detected (verdict ${after.verdict})`,
        });
      continue; // a mutant's figures are not a performance baseline
    }
    if (before.passed && !after.passed)
      regressions.push({
        run,
        kind: 'no-longer-holds',
        message: `correct variant now ${after.verdict}${after.error ? `: ${after.error}` : ''}`,
      });
    const newViolations = violationCount(after) - violationCount(before);
    if (newViolations > 0)
      regressions.push({
        run,
        kind: 'new-violations',
        message: `${newViolations} new violations (${violationCount(before)} -> ${violationCount(after)})`,
      });
    const t0 = before.summary.throughput;
    const t1 = after.summary.throughput;
    if (t0 > 0 && t1 < t0 * (1 - tolerances.throughputDrop))
      regressions.push({
        run,
        kind: 'throughput-drop',
        message: `throughput ${t0.toFixed(0)} -> ${t1.toFixed(0)} ok/s (-${((1 - t1 / t0) * 100).toFixed(0)}%, tolerance ${(tolerances.throughputDrop * 100).toFixed(0)}%)`,
      });
    const p0 = before.summary.latency.p99;
    const p1 = after.summary.latency.p99;
    if (p1 > p0 * (1 + tolerances.p99Rise) && p1 - p0 > tolerances.p99SlackMs)
      regressions.push({
        run,
        kind: 'p99-rise',
        message: `p99 ${p0.toFixed(2)} -> ${p1.toFixed(2)} ms (+${p0 > 0 ? ((p1 / p0 - 1) * 100).toFixed(0) : 'inf'}%, tolerance ${(tolerances.p99Rise * 100).toFixed(0)}%)`,
      });
  }
  return regressions;
}

export function formatGate(regressions: Regression[], compared: number): string {
  if (regressions.length === 0) return `gate: no regressions in ${compared} runs compared with the baseline`;
  return [
    `gate: ${regressions.length} regressions:`,
    // Run names and messages come from results.json: escaped for the terminal.
    ...regressions.map((r) => `  ${printable(r.run)}: ${r.kind}: ${printable(r.message)}`),
  ].join('\n');
}
