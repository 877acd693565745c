/**
 * The built-in scenarios of this target.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

export const crossServiceDelete: ScenarioDefinition = {
  name: 'cross-service-delete',
  description:
    'employees deleted while timers are created for them in another service, with lost answers and crashes',
  target: 'cross-service',
  workload: { workers: 6, keys: 6, durationMs: 6000, timeoutMs: 5000 },
};
