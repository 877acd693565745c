/**
 * The built-in scenarios of this target: the article's concurrent create, without and with faults.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

/**
 * Every operation index is a new email, and all workers fire on one shared
 * ticker (offset 0, the article's colliding timing), so every tick is a fresh
 * race of all workers for one email. Left to run freely the workers drift
 * apart after the first few emails.
 */
const NEW_EMAIL_EVERY_TIME = 1_000_000;
const ALL_AT_ONCE = { kind: 'paced', rateMs: 10, offsetMs: 0 } as const;

export const concurrentCreate: ScenarioDefinition = {
  name: 'concurrent-create',
  description: 'many workers create the same employees (same emails, fresh uuids) at once',
  target: 'mariadb-upsert',
  workload: { workers: 8, keys: NEW_EMAIL_EVERY_TIME, pacing: ALL_AT_ONCE, durationMs: 3000 },
};

export const concurrentCreateFaults: ScenarioDefinition = {
  name: 'concurrent-create-faults',
  description: 'concurrent upserts while connections are killed and reset and MariaDB crashes',
  target: 'mariadb-upsert',
  workload: {
    workers: 8,
    keys: NEW_EMAIL_EVERY_TIME,
    pacing: ALL_AT_ONCE,
    durationMs: 4000,
    timeoutMs: 500,
  },
  faults: [
    { kind: 'kill-connection', startMs: 400, durationMs: 100 },
    {
      kind: 'network',
      startMs: 1000,
      durationMs: 400,
      toxic: { type: 'reset_peer', attributes: { timeout: 0 } },
    },
    { kind: 'crash', startMs: 2000, durationMs: 300 },
  ],
};
