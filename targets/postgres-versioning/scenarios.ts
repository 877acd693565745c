/**
 * The built-in scenarios of this target: the article's stale-version mutation and its timing experiment.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';
import { timingGridPasses } from './timing-grid.ts';

export const staleVersionMutation: ScenarioDefinition = {
  name: 'stale-version-mutation',
  description: 'workers read an employee and update it with the version they read, racing each other',
  target: 'postgres-versioning',
  workload: { workers: 8, keys: 5, durationMs: 3000 },
};

export const timingGrid: ScenarioDefinition = {
  name: 'timing-grid',
  description:
    "the article's experiment: two workers mutate one employee on tickers with different rates and offsets",
  target: 'postgres-versioning',
  workload: { workers: 2, keys: 1 },
  passes: timingGridPasses({
    points: [
      { rateMs: 2000, offsetMs: 1000, expect: 'no-failures' },
      { rateMs: 1000, offsetMs: 1000, expect: 'failures' },
    ],
    windowMs: 30_000,
    timeScale: 0.1,
  }),
};

/** Correct variants must still hold (operations with unknown outcomes are allowed for), broken ones still be caught. */
export const staleVersionMutationFaults: ScenarioDefinition = {
  name: 'stale-version-mutation-faults',
  description: 'versioned updates while connections are killed, latency added, Postgres paused and crashed',
  target: 'postgres-versioning',
  workload: { workers: 8, keys: 5, durationMs: 4000, timeoutMs: 300 },
  faults: [
    { kind: 'kill-connection', startMs: 400, durationMs: 100 },
    {
      kind: 'network',
      startMs: 900,
      durationMs: 500,
      toxic: { type: 'latency', attributes: { latency: 50, jitter: 10 } },
    },
    { kind: 'pause', startMs: 1700, durationMs: 500 },
    { kind: 'crash', startMs: 2600, durationMs: 300 },
  ],
};

/** The document's advice on conflicts: retry with backoff, recomputing from a fresh read. */
export const versionedRetry: ScenarioDefinition = {
  name: 'versioned-retry',
  description: 'workers add to rows they read, under optimistic locking; conflicts are retried with backoff',
  target: 'postgres-versioning-retry',
  workload: { workers: 8, keys: 3, durationMs: 3000 },
};

/** Retries while connections are killed and Postgres is paused: an unknown outcome is never retried. */
export const versionedRetryFaults: ScenarioDefinition = {
  name: 'versioned-retry-faults',
  description: 'the same while connections are killed and Postgres is paused',
  target: 'postgres-versioning-retry',
  workload: { workers: 8, keys: 3, durationMs: 3000, timeoutMs: 300 },
  faults: [
    { kind: 'kill-connection', startMs: 400, durationMs: 100 },
    { kind: 'pause', startMs: 1400, durationMs: 500 },
  ],
};
