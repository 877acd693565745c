/**
 * The built-in scenarios of the CQRS target: deposits and reads on a few
 * accounts while projectors crash and redeliver, then the same with the
 * Postgres server of both models paused and crashed.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

export const cqrsReadModel: ScenarioDefinition = {
  name: 'cqrs-read-model',
  description: 'deposits and reads race on four accounts while projectors crash and redeliver events',
  target: 'cqrs',
  workload: { workers: 6, keys: 4, durationMs: 3000, timeoutMs: 3000 },
};

export const cqrsReadModelFaults: ScenarioDefinition = {
  name: 'cqrs-read-model-faults',
  description: 'the same while the Postgres server of both models is paused, then crashed and restarted',
  target: 'cqrs',
  variants: ['correct', 'double-apply', 'ignores-min-version'],
  workload: { workers: 6, keys: 4, durationMs: 3000, timeoutMs: 3000 },
  faults: [
    { kind: 'pause', startMs: 800, durationMs: 400 },
    { kind: 'crash', startMs: 1900, durationMs: 300 },
  ],
};
