/**
 * The built-in scenarios of this target.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

export const transferDeadlockRetry: ScenarioDefinition = {
  name: 'transfer-deadlock-retry',
  description: 'transfers in both directions between 4 accounts deadlock; retries must keep money conserved',
  target: 'bank-transfer',
  workload: { workers: 8, keys: 4, durationMs: 3000 },
};
