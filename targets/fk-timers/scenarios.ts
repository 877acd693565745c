/**
 * The built-in scenarios of this target: the article's timer for a missing employee, without and with faults.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

export const fkMissingEmployee: ScenarioDefinition = {
  name: 'fk-missing-employee',
  description: 'timer creates (some for employees that never existed) race employee deletes',
  target: 'fk-timers',
  workload: { workers: 8, keys: 20, durationMs: 3000 },
};

export const fkMissingEmployeeFaults: ScenarioDefinition = {
  name: 'fk-missing-employee-faults',
  description:
    'timer creates racing employee deletes while queries are killed, MariaDB paused and the network black-holed',
  target: 'fk-timers',
  workload: { workers: 8, keys: 20, durationMs: 4000, timeoutMs: 400 },
  faults: [
    { kind: 'kill-query', startMs: 400, durationMs: 100, intervalMs: 600 },
    { kind: 'pause', startMs: 1300, durationMs: 500 },
    {
      kind: 'network',
      startMs: 2500,
      durationMs: 500,
      toxic: { type: 'timeout', attributes: { timeout: 0 } },
    },
  ],
};
