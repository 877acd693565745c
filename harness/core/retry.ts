/**
 * Retrying a whole transaction when the database aborted it for concurrency
 * reasons (deadlock, serialization failure, lock wait timeout), with
 * exponential backoff and full jitter so the retries of two victims do not
 * collide again. Only these errors are retried: they guarantee the
 * transaction did not commit, so running it again is safe.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Tries in total, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 2, maxDelayMs: 100 };

/** MariaDB deadlock (1213) and lock wait timeout (1205); Postgres serialization failure (40001) and deadlock (40P01). */
export function isRetryable(error: unknown): boolean {
  const e = error as { errno?: number; code?: string };
  return e?.errno === 1213 || e?.errno === 1205 || e?.code === '40001' || e?.code === '40P01';
}

/** A retry's wait without jitter: `baseMs` doubled for every retry so far, at most `maxMs`. */
export function cappedBackoff(retry: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** retry);
}

/** Full jitter: uniform in [0, cappedBackoff). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return random() * cappedBackoff(retry, policy.baseDelayMs, policy.maxDelayMs);
}

export interface Retried<T> {
  value: T;
  attempts: number;
}

/** Run `transaction` until it succeeds, fails for a non-retryable reason, or the attempts run out (then its last error). */
export async function withRetry<T>(
  transaction: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  wait: (ms: number) => Promise<unknown> = sleep,
  retryable: (error: unknown) => boolean = isRetryable,
): Promise<Retried<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await transaction(attempt), attempts: attempt };
    } catch (error) {
      if (!retryable(error) || attempt >= policy.attempts) throw error;
      await wait(backoffDelay(attempt - 1, policy));
    }
  }
}
