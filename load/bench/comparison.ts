/**
 * What the bench reports: for each measurement the harness's figure, the
 * reference's, the geometric mean of the paired rounds' harness/reference
 * ratios with its 95% interval, and the goal it is judged on (none for a
 * context row). A goal is met when that geometric mean reaches it; the best
 * round of either side plays no part.
 */

import { median } from '../../harness/core/stats.ts';
import type { CountedRounds } from './host-steal.ts';
import { geometricMean, type RatioInterval, ratioInterval } from './round-ratios.ts';
import type { Round } from './rounds.ts';

export interface Comparison {
  measurement: string;
  harnessTool: string;
  referenceTool: string;
  unit: string;
  /** The geometric mean of each side's figures over the rounds compared (their ratio is `mean`). */
  harness: number;
  reference: number;
  /** The geometric mean of the rounds' own harness/reference ratios. */
  mean: number;
  /** Its 95% interval; absent with fewer than two rounds. */
  interval?: RatioInterval;
  medianRatio: number;
  /** The ratios of the rounds compared, in order. */
  ratios: number[];
  /** The goal `mean` must reach; absent for a context row, which never fails the bench. */
  goal?: number;
  /** Rounds measured but not counted (the host stole too much CPU during them). */
  disturbedRounds: number;
}

/**
 * `harnessTool` against `referenceTool` over the counted rounds that have a
 * figure for both (a context tool may have missed some). Undefined when no
 * round has both.
 */
export function compare(
  measurement: string,
  { rounds, disturbedRounds }: CountedRounds<Round>,
  tools: { harness: string; reference: string; unit: string; goal?: number },
): Comparison | undefined {
  const pairs = rounds.flatMap(({ figures }) => {
    const harness = figures[tools.harness];
    const reference = figures[tools.reference];
    return harness !== undefined && reference !== undefined ? [{ harness, reference }] : [];
  });
  if (pairs.length === 0) return undefined;
  const ratios = pairs.map((p) => p.harness / p.reference);
  const interval = ratioInterval(ratios);
  return {
    measurement,
    harnessTool: tools.harness,
    referenceTool: tools.reference,
    unit: tools.unit,
    harness: geometricMean(pairs.map((p) => p.harness)),
    reference: geometricMean(pairs.map((p) => p.reference)),
    mean: geometricMean(ratios),
    ...(interval ? { interval } : {}),
    medianRatio: median(ratios),
    ratios,
    ...(tools.goal === undefined ? {} : { goal: tools.goal }),
    disturbedRounds: disturbedRounds.length,
  };
}

/** A goal row met: the geometric mean reaches the goal. Context rows have no goal and are never judged. */
export const metGoal = (c: Comparison) => c.goal === undefined || c.mean >= c.goal;
