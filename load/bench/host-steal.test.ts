import { describe, expect, it } from 'vitest';
import { isQuiet, readCpuTimes, splitByQuiet, stealBetween, withSteal } from './host-steal.ts';

// /proc/stat as Linux writes it: user nice system idle iowait irq softirq steal guest guest_nice.
const stat = (steal: number, idle: number) =>
  `cpu  100 0 50 ${idle} 10 0 5 ${steal} 7 0\ncpu0 50 0 25 ${idle / 2} 5 0 2 ${steal / 2} 0 0\nintr 1 2 3\n`;

describe('host steal', () => {
  it('reads the steal column and the total of the first eight (guest time is inside user)', () => {
    expect(readCpuTimes(stat(40, 795))).toEqual({ steal: 40, total: 100 + 50 + 795 + 10 + 5 + 40 });
  });

  it('is the share of the elapsed CPU time that was stolen', () => {
    const before = readCpuTimes(stat(40, 795))!;
    const after = readCpuTimes(stat(140, 1695))!; // 1,000 ticks later, 100 of them stolen
    expect(stealBetween(before, after)).toBeCloseTo(0.1, 10);
    expect(stealBetween(before, before)).toBe(0);
  });

  it('gives nothing for text that is not /proc/stat', () => {
    expect(readCpuTimes('intr 1 2 3\n')).toBeUndefined();
    expect(readCpuTimes('cpu  1 2 x 4 5 6 7 8\n')).toBeUndefined();
    expect(readCpuTimes('cpu  1 2 3\n')).toBeUndefined();
  });

  it('counts a round only when no tool lost more than the limit', () => {
    expect(isQuiet({ steal: { reference: 0.01, harness: 0.03 } }, 0.03)).toBe(true);
    expect(isQuiet({ steal: { reference: 0.2, harness: 0.01 } }, 0.03)).toBe(false);
    expect(isQuiet({ steal: { reference: 0.01, harness: 0.05 } }, 0.03)).toBe(false);
    // A third tool in the round (a context reference) counts as much as the other two.
    expect(isQuiet({ steal: { harness: 0, bare: 0.01, pgbench: 0.04 } }, 0.03)).toBe(false);
    expect(isQuiet({ steal: { harness: 0, bare: 0.01, pgbench: undefined } }, 0.03)).toBe(true);
    // Where steal cannot be read (not Linux), every round counts.
    expect(isQuiet({ steal: { reference: undefined, harness: undefined } }, 0.03)).toBe(true);
    expect(isQuiet({}, 0.03)).toBe(true);
  });

  it('counts the quiet rounds and leaves the disturbed ones out, or counts all when none was quiet', () => {
    const quiet = { steal: { reference: 0, harness: 0.01 } };
    const busy = { steal: { reference: 0.2, harness: 0 } };
    const busier = { steal: { reference: 0.3, harness: 0.3 } };
    expect(splitByQuiet([busy, quiet, busier], 0.03)).toEqual({
      rounds: [quiet],
      disturbedRounds: [busy, busier],
    });
    expect(splitByQuiet([busy, busier], 0.03)).toEqual({ rounds: [busy, busier], disturbedRounds: [] });
    expect(splitByQuiet([], 0.03)).toEqual({ rounds: [], disturbedRounds: [] });
  });

  it('measures this machine around a run', async () => {
    const { value, steal } = await withSteal(async () => {
      const until = Date.now() + 50;
      while (Date.now() < until) {} // keep one CPU busy so time passes on the counters
      return 'done';
    });
    expect(value).toBe('done');
    if (process.platform === 'linux') {
      expect(steal).toBeGreaterThanOrEqual(0);
      expect(steal).toBeLessThanOrEqual(1);
    }
  });
});
