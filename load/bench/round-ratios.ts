/**
 * What the bench's rounds say about the harness/reference ratio: each round
 * runs the tools back to back, so its own ratio is a paired measurement that a
 * slow or fast moment of the machine affects on both sides. The goals are
 * judged on the geometric mean of those ratios; their spread gives its 95%
 * interval, so a mean a hair above or below a goal can be read against the noise.
 */

/** The geometric mean: a ratio's noise is multiplicative, so this is the mean of ratios. NaN for none. */
export function geometricMean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);
}

// Student's t, two-sided 95%, by degrees of freedom (1-30); past 30 the normal 1.96 is close enough.
const T_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export interface RatioInterval {
  /** The geometric mean of the rounds' ratios. */
  mean: number;
  /** The 95% interval around it (Student's t on the ratios' logarithms). */
  low: number;
  high: number;
}

/**
 * The 95% interval of the ratio from the rounds' own ratios, on their
 * logarithms (a ratio's noise is multiplicative: 0.8 and 1.25 are the same
 * distance from 1). Undefined with fewer than two rounds.
 */
export function ratioInterval(ratios: readonly number[]): RatioInterval | undefined {
  const n = ratios.length;
  if (n < 2 || ratios.some((r) => !(r > 0) || !Number.isFinite(r))) return undefined;
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((sum, x) => sum + x, 0) / n;
  const variance = logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1);
  const halfWidth = (T_95[n - 2] ?? 1.96) * Math.sqrt(variance / n);
  return { mean: Math.exp(mean), low: Math.exp(mean - halfWidth), high: Math.exp(mean + halfWidth) };
}
