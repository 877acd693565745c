/**
 * The built-in scenarios of the replicated key-value store: writes and reads
 * on a few keys at both nodes while replication lags and redelivers, then the
 * same while node a's clock jumps ahead and later falls behind.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

export const replicatedKvWrites: ScenarioDefinition = {
  name: 'replicated-kv-writes',
  description: 'six clients write and read four keys at both nodes while replication lags and redelivers',
  target: 'replicated-kv',
  variants: ['lww-hlc', 'first-write-wins', 'field-merge', 'manual'],
  // Long enough for many rounds of conflicts; the targets test runs it once (the skew scenario repeats these strategies).
  workload: { workers: 6, keys: 4, durationMs: 4000, timeoutMs: 3000 },
};

export const replicatedKvClockSkew: ScenarioDefinition = {
  name: 'replicated-kv-clock-skew',
  description: "the same while node a's clock runs 2 s ahead, then 1 s behind",
  target: 'replicated-kv',
  workload: { workers: 6, keys: 4, durationMs: 3000, timeoutMs: 3000 },
  faults: [
    { kind: 'clock-skew', skewMs: 2000, startMs: 500, durationMs: 1000 },
    { kind: 'clock-skew', skewMs: -1000, startMs: 1900, durationMs: 800 },
  ],
};
