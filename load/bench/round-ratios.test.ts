import { describe, expect, it } from 'vitest';
import { median } from '../../harness/core/stats.ts';
import { geometricMean, ratioInterval } from './round-ratios.ts';

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('ratioInterval', () => {
  it('is centred on the geometric mean of the ratios', () => {
    const interval = ratioInterval([0.8, 1.25])!;
    expect(interval.mean).toBeCloseTo(1, 10);
    // Symmetric on a log scale: as far below the mean as above it, by factor.
    expect(interval.mean / interval.low).toBeCloseTo(interval.high / interval.mean, 10);
  });

  it('uses Student t for few rounds: three ratios 0.9, 0.95, 1.0', () => {
    const logs = [0.9, 0.95, 1.0].map(Math.log);
    const mean = logs.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(logs.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    const interval = ratioInterval([0.9, 0.95, 1.0])!;
    expect(interval.low).toBeCloseTo(Math.exp(mean - (4.303 * sd) / Math.sqrt(3)), 10);
    expect(interval.high).toBeCloseTo(Math.exp(mean + (4.303 * sd) / Math.sqrt(3)), 10);
    expect(interval.low).toBeLessThan(0.9);
    expect(interval.high).toBeGreaterThan(1.0);
  });

  it('narrows as agreeing rounds accumulate', () => {
    const few = ratioInterval([0.88, 0.92, 0.9])!;
    const many = ratioInterval([0.88, 0.92, 0.9, 0.88, 0.92, 0.9, 0.88, 0.92, 0.9])!;
    expect(many.high - many.low).toBeLessThan((few.high - few.low) / 2);
  });

  it('is a single point when every round agrees', () => {
    const interval = ratioInterval([0.9, 0.9, 0.9])!;
    for (const bound of [interval.mean, interval.low, interval.high]) expect(bound).toBeCloseTo(0.9, 12);
  });

  it('is undefined with fewer than two rounds or a ratio that is not a positive number', () => {
    expect(ratioInterval([0.9])).toBeUndefined();
    expect(ratioInterval([0.9, 0])).toBeUndefined();
    expect(ratioInterval([0.9, Number.NaN])).toBeUndefined();
    expect(ratioInterval([0.9, Number.POSITIVE_INFINITY])).toBeUndefined();
  });
});

describe('geometricMean', () => {
  it('is the mean on a log scale, the same as the ratio of the means of paired figures', () => {
    expect(geometricMean([0.8, 1.25])).toBeCloseTo(1, 12);
    expect(geometricMean([4, 9])).toBeCloseTo(6, 12);
    const harness = [90, 110];
    const reference = [100, 100];
    expect(geometricMean(harness.map((h, i) => h / reference[i]!))).toBeCloseTo(
      geometricMean(harness) / geometricMean(reference),
      12,
    );
    expect(geometricMean([])).toBeNaN();
  });
});
