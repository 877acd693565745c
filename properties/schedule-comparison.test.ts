import { describe, expect, it } from 'vitest';
import { figures, formatComparison } from './schedule-comparison.ts';

describe('PCT against random: the figures', () => {
  it('counts a seed that found nothing as more than the budget, and says how many seeds found it', () => {
    // Sorted: 2, 4, 51 (none within 50), 51: the median is (4 + 51) / 2.
    expect(figures([4, undefined, 2, undefined], 50)).toEqual({
      cases: [4, undefined, 2, undefined],
      median: 27.5,
      found: 2,
    });
    expect(figures([3, 1, 2], 50).median).toBe(2);
  });

  it('prints a median past the budget as >budget, beside the other strategy', () => {
    const options = {
      seeds: [1, 2, 3],
      maxCases: 50,
      limits: { maxClients: 2, maxOperations: 2, maxKeys: 1 },
    };
    const text = formatComparison(
      [
        {
          target: 'event-store',
          variant: 'no-expected-version',
          random: figures([8, undefined, undefined], 50),
          pct: figures([1, 2, 3], 50),
        },
      ],
      options,
    );
    expect(text).toMatch(/event-store \/ no-expected-version\s+>50 \(1\/3\)\s+2 \(3\/3\)/);
  });
});
