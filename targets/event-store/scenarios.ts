/**
 * The built-in scenarios of the event store: concurrent commands on a few
 * streams, then the same with faults.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

export const eventStoreCommands: ScenarioDefinition = {
  name: 'event-store-commands',
  description: 'deposits, withdrawals and snapshots race on three event-sourced accounts',
  target: 'event-store',
  workload: { workers: 8, keys: 3, durationMs: 3000 },
};

/** A command whose connection dies may or may not have appended: the invariants hold either way. */
export const eventStoreCommandsFaults: ScenarioDefinition = {
  name: 'event-store-commands-faults',
  description: 'the same while connections are killed and Postgres is paused and crashed',
  target: 'event-store',
  workload: { workers: 8, keys: 3, durationMs: 3000, timeoutMs: 300 },
  faults: [
    { kind: 'kill-connection', startMs: 400, durationMs: 100 },
    { kind: 'pause', startMs: 1100, durationMs: 400 },
    { kind: 'crash', startMs: 2000, durationMs: 300 },
  ],
};
