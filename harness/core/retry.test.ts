import { describe, expect, it } from 'vitest';
import { backoffDelay, cappedBackoff, isRetryable, withRetry } from './retry.ts';

const deadlock = () => Object.assign(new Error('Deadlock found'), { errno: 1213 });
const policy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 };

describe('retry policy', () => {
  it('retries only deadlocks, lock wait timeouts and serialization failures', () => {
    expect([{ errno: 1213 }, { errno: 1205 }, { code: '40001' }, { code: '40P01' }].every(isRetryable)).toBe(
      true,
    );
    expect(
      [{ errno: 1062 }, { code: '23505' }, { code: 'ECONNRESET' }, new Error('x')].some(isRetryable),
    ).toBe(false);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(0, policy, () => 0.999)).toBeLessThan(10);
    expect(backoffDelay(2, policy, () => 0.999)).toBeCloseTo(39.96, 1);
    expect(backoffDelay(10, policy, () => 0.999)).toBeLessThan(50);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    // Without jitter (the services' relays and retries): 100, 200, 400, ... up to the cap.
    expect([0, 1, 2, 3, 4].map((retry) => cappedBackoff(retry, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('runs the whole transaction again until it succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw deadlock();
        return 'done';
      },
      policy,
      async (ms) => waits.push(ms),
    );
    expect(result).toEqual({ value: 'done', attempts: 3 });
    expect(waits).toHaveLength(2);
  });

  it('gives up after the last attempt with the last error, and never retries other errors', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw deadlock();
        },
        policy,
        async () => {},
      ),
    ).rejects.toThrow('Deadlock');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw Object.assign(new Error('dup'), { errno: 1062 });
        },
        policy,
        async () => {},
      ),
    ).rejects.toThrow('dup');
    expect(calls).toBe(1);
  });
});
