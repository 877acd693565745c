/**
 * The built-in scenarios of this target: orders through the saga, under HTTP load and with the database paused and crashed.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

export const sagaOrders: ScenarioDefinition = {
  name: 'saga-orders',
  description:
    'concurrent orders through the saga, repeated idempotency keys, failing steps, orchestrator crashes',
  target: 'saga',
  workload: { workers: 8, durationMs: 6000, timeoutMs: 10_000 },
};

export const sagaOrdersLoad: ScenarioDefinition = {
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
};

export const sagaOrdersFaults: ScenarioDefinition = {
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
};

/** The fault is the workload's: a step service paused past the sagas' deadline, every few orders. */
export const sagaTimeouts: ScenarioDefinition = {
  name: 'saga-timeouts',
  description: 'orders through the saga while a step service is paused (SIGSTOP) past the sagas’ deadline',
  target: 'saga-timeouts',
  workload: { workers: 8, durationMs: 3000, timeoutMs: 10_000 },
};
