import { describe, expect, it } from 'vitest';
import { pacingFor } from './workload.ts';

describe('pacing for a rate', () => {
  it('is a closed loop at rate 0 and spreads paced workers evenly over one period', () => {
    expect(pacingFor(0, 4)).toEqual({ kind: 'closed' });
    expect(pacingFor(100, 4)).toEqual({ kind: 'paced', rateMs: 10, offsetMs: 2.5 });
  });
});
