/**
 * The detection matrix of `run --seeds`: the same suite on many seeds, read
 * per variant. A broken variant is worth its checkers only if it is caught on
 * every seed, and quickly; a correct variant must never raise an alarm.
 */
import type { DetectionRow, RunResult } from './results.ts';
import { percentile } from './stats.ts';

export function detectionMatrix(runs: readonly RunResult[]): DetectionRow[] {
  const rows = new Map<string, DetectionRow & { proofs: number[] }>();
  for (const run of runs) {
    const key = `${run.scenario}\u0000${run.variant}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        scenario: run.scenario,
        target: run.target,
        variant: run.variant,
        broken: run.broken,
        seeds: [],
        caught: [],
        missed: [],
        falseAlarms: [],
        proofs: [],
      };
      rows.set(key, row);
    }
    row.seeds.push(run.seed);
    if (run.broken) {
      if (run.verdict === 'invalid') {
        row.caught.push(run.seed);
        if (run.detectedAtMs !== undefined) row.proofs.push(run.detectedAtMs);
      } else row.missed.push(run.seed);
    } else if (run.verdict !== 'valid') row.falseAlarms.push(run.seed);
  }
  return [...rows.values()].map(({ proofs, ...row }) => {
    if (proofs.length === 0) return row;
    const sorted = proofs.sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    return { ...row, firstProofMs: { median, p90: percentile(sorted, 90), max: sorted.at(-1)! } };
  });
}

/** The seeds of `--seeds`: `N` is 1 to N, `A-B` is A to B. */
export function seedRange(text: string): number[] | undefined {
  const match = /^(?:(\d+)-)?(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const from = match[1] === undefined ? 1 : Number(match[1]);
  const to = Number(match[2]);
  if (from > to || to - from >= 10_000) return undefined;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
