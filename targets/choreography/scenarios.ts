/**
 * The built-in scenarios of the choreographed saga: orders flowing through
 * three services while they crash after commits, then the same with their
 * Postgres server paused and crashed.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

export const choreographedSaga: ScenarioDefinition = {
  name: 'choreographed-saga',
  description: 'orders through a saga with no orchestrator while its services crash right after commits',
  target: 'choreography',
  workload: { workers: 6, durationMs: 3000, timeoutMs: 5000 },
};

export const choreographedSagaFaults: ScenarioDefinition = {
  name: 'choreographed-saga-faults',
  description:
    'the same while the Postgres server of the three services is paused, then crashed and restarted',
  target: 'choreography',
  variants: ['correct', 'publish-outside-tx'],
  workload: { workers: 6, durationMs: 3000, timeoutMs: 5000 },
  faults: [
    { kind: 'pause', startMs: 800, durationMs: 400 },
    { kind: 'crash', startMs: 1900, durationMs: 300 },
  ],
};
