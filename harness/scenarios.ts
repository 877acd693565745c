/**
 * Named scenarios: a target, its variants, a workload and, for the article's
 * timing experiment, a grid of pacing points with the expected outcome.
 * These four reproduce the article's demonstrations.
 */
import type { LoadOptions } from '../load/load-result.ts';
import type { FaultSpec } from './faults/spec.ts';
import type { Pacing } from './workload.ts';

export interface WorkloadOptions {
  workers?: number;
  durationMs?: number;
  opCount?: number;
  keys?: number;
  keyDistribution?: 'uniform' | 'hot';
  hotFraction?: number;
  pacing?: Pacing;
  /** Per-operation deadline: an operation still running after it is recorded as `info`. Default 5000 ms. */
  timeoutMs?: number;
}

/** One cell of the timing experiment: two workers on a ticker of `rateMs`, the second started `offsetMs` later. */
export interface TimingPoint {
  rateMs: number;
  offsetMs: number;
  /** What the article reports for the correct (versioned) update. */
  expect: 'no-failures' | 'failures';
}

export interface TimingGrid {
  points: TimingPoint[];
  /** How long each point runs, in article time (the article's text says 30 s, its code 10 s). */
  windowMs: number;
  /** Multiplies every rate, offset and window, so CI can run the experiment in seconds. */
  timeScale: number;
}

export interface ScenarioDefinition {
  name: string;
  description: string;
  target: string;
  /** Variants to run; all of the target's when absent. */
  variants?: string[];
  workload: WorkloadOptions;
  timingGrid?: TimingGrid;
  /** The nemesis's schedule for this scenario. */
  faults?: FaultSpec[];
  /** Drive an HTTP target with a load engine (autocannon, k6) instead of workers calling its operations. */
  load?: LoadOptions;
}

/**
 * For concurrent-create: every operation index is a new email, and all
 * workers fire on one shared ticker (offset 0, the article's colliding
 * timing), so every tick is a fresh race of all workers for one email.
 * Left to run freely the workers drift apart after the first few emails.
 */
const NEW_EMAIL_EVERY_TIME = 1_000_000;
const ALL_AT_ONCE = { kind: 'paced', rateMs: 10, offsetMs: 0 } as const;

/** Inserts under load, the server crashed twice: every acknowledged insert must survive. */
function durabilityCrash(kind: 'mariadb' | 'postgres', product: string): ScenarioDefinition {
  return {
    name: `${kind}-durability-crash`,
    description: `${product} inserts under load, server crashed twice: every acknowledged insert must survive`,
    target: `${kind}-durable-writes`,
    workload: { workers: 8, durationMs: 4000, timeoutMs: 1000 },
    faults: [{ kind: 'crash', startMs: 1200, durationMs: 300, intervalMs: 1500 }],
  };
}

export const builtinScenarios: ScenarioDefinition[] = [
  {
    name: 'concurrent-create',
    description: 'many workers create the same employees (same emails, fresh uuids) at once',
    target: 'mariadb-upsert',
    workload: { workers: 8, keys: NEW_EMAIL_EVERY_TIME, pacing: ALL_AT_ONCE, durationMs: 3000 },
  },
  {
    name: 'stale-version-mutation',
    description: 'workers read an employee and update it with the version they read, racing each other',
    target: 'postgres-versioning',
    workload: { workers: 8, keys: 5, durationMs: 3000 },
  },
  {
    name: 'timing-grid',
    description:
      "the article's experiment: two workers mutate one employee on tickers with different rates and offsets",
    target: 'postgres-versioning',
    workload: { workers: 2, keys: 1 },
    timingGrid: {
      points: [
        { rateMs: 2000, offsetMs: 1000, expect: 'no-failures' },
        { rateMs: 1000, offsetMs: 1000, expect: 'failures' },
      ],
      windowMs: 30_000,
      timeScale: 0.1,
    },
  },
  {
    name: 'fk-missing-employee',
    description: 'timer creates (some for employees that never existed) race employee deletes',
    target: 'fk-timers',
    workload: { workers: 8, keys: 20, durationMs: 3000 },
  },
  // The same three targets with the nemesis on: correct variants must still hold
  // (operations with unknown outcomes are allowed for), broken ones still be caught.
  {
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
  },
  {
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
  },
  {
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
  },
  // Durability: inserts under load while the whole server is SIGKILLed and restarted.
  durabilityCrash('mariadb', 'MariaDB'),
  durabilityCrash('postgres', 'Postgres'),
  {
    name: 'transfer-deadlock-retry',
    description:
      'transfers in both directions between 4 accounts deadlock; retries must keep money conserved',
    target: 'bank-transfer',
    workload: { workers: 8, keys: 4, durationMs: 3000 },
  },
  {
    name: 'saga-orders',
    description:
      'concurrent orders through the saga, repeated idempotency keys, failing steps, orchestrator crashes',
    target: 'saga',
    workload: { workers: 8, durationMs: 6000, timeoutMs: 10_000 },
  },
  {
    name: 'cross-service-delete',
    description:
      'employees deleted while timers are created for them in another service, with lost answers and crashes',
    target: 'cross-service',
    workload: { workers: 6, keys: 6, durationMs: 6000, timeoutMs: 5000 },
  },
  {
    name: 'saga-orders-load',
    description:
      'HTTP load on the saga orchestrator with autocannon (k6: `chaos k6 run`), a tenth of the orders repeated',
    target: 'saga',
    variants: ['correct'],
    workload: { workers: 16, durationMs: 4000, timeoutMs: 10_000 },
    load: {
      engine: 'autocannon',
      thresholds: { failed_requests: ['rate<0.01'], checks: ['rate>0.99'], latency: ['p(99)<2000'] },
    },
  },
  {
    name: 'saga-orders-faults',
    description:
      'the saga while the Postgres server of all four services is paused, then crashed and restarted',
    target: 'saga',
    variants: ['correct', 'no-saga-log'],
    workload: { workers: 8, durationMs: 6000, timeoutMs: 10_000 },
    faults: [
      { kind: 'pause', startMs: 1500, durationMs: 500 },
      { kind: 'crash', startMs: 3200, durationMs: 300 },
    ],
  },
];
