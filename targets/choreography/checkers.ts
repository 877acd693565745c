/**
 * Invariants of the choreographed saga, judged after quiescence on the three
 * services' state and their outboxes. There is no orchestrator and no saga
 * log: each saga is reconstructed from the events the services published
 * (its trace), which must follow one of the saga's paths, each event once.
 */
import { type Checker, type CheckResult, verdictOf } from '../../harness/core/check.ts';
import { groupBy } from '../../harness/core/collections.ts';

import { conserved, type OrderFlowState, opsFor, servicesAgree, summarize } from '../saga/checkers.ts';

/** The orchestrated saga's services' state (so its services-agree and conserved checkers serve), and the events. */
export interface ChoreographyState extends OrderFlowState {
  /** Every event any service published (or has yet to), with the service's clock (ms since the epoch). */
  events: { service: string; type: string; orderId: string; atMs: number }[];
}

/** The saga's paths: completed, rejected for stock, or compensated after a failed payment. */
export const SAGA_PATHS: Record<string, string[]> = {
  completed: ['OrderPlaced', 'StockReserved', 'PaymentCharged', 'OrderConfirmed'],
  rejected: ['OrderPlaced', 'StockRejected', 'OrderCancelled'],
  compensated: ['OrderPlaced', 'StockReserved', 'PaymentFailed', 'StockReleased', 'OrderCancelled'],
};

const LISTED = 20;
/** Traces the report shows besides those of violations: this many of each outcome. */
const SAMPLE_TRACES = 5;

type Trace = NonNullable<CheckResult['traces']>[number];

/** Each saga's events in time order, times from its first event. */
export function tracesOf(state: ChoreographyState): Map<string, Trace> {
  const status = new Map(state.orders.map((o) => [o.id, o.status]));
  const traces = new Map<string, Trace>();
  for (const [orderId, events] of groupBy(state.events, (e) => e.orderId)) {
    const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
    const start = sorted[0]!.atMs;
    traces.set(orderId, {
      id: orderId,
      outcome: status.get(orderId) ?? 'NONE',
      steps: sorted.map((e) => ({
        atMs: Math.round((e.atMs - start) * 10) / 10,
        service: e.service,
        event: e.type,
      })),
    });
  }
  return traces;
}

const describeTrace = (trace: Trace | undefined) =>
  trace ? trace.steps.map((s) => `${s.service} ${s.event}`).join(' -> ') : 'no events';

/** Every order ends CONFIRMED or CANCELLED: none left PENDING by a lost or unhandled event. */
export const sagasFinish: Checker<ChoreographyState> = {
  name: 'sagas-finish',
  description: 'after quiescence no order is pending',
  check({ operations, finalState }) {
    const traces = tracesOf(finalState);
    const stuck = finalState.orders.filter((o) => o.status === 'PENDING');
    return verdictOf(
      'sagas-finish',
      summarize(
        'no-stuck-saga',
        stuck.map((o) => ({
          message: `order ${o.id} is PENDING after ${describeTrace(traces.get(o.id))}`,
          ops: opsFor(operations, o.id),
        })),
      ),
    );
  },
};

/**
 * Each saga's trace is one of its paths, each event once, in order: a
 * compensated saga released its stock exactly once, after its payment failed
 * and before its order was cancelled. The traces go into the report.
 */
export const traceIsASagaPath: Checker<ChoreographyState> = {
  name: 'trace-is-a-saga-path',
  description: "each saga's events follow one of its paths, once each, compensation in reverse",
  check({ operations, finalState }) {
    const traces = tracesOf(finalState);
    const problems: { message: string; ops: number[]; id: string }[] = [];
    for (const trace of traces.values()) {
      const events = trace.steps.map((s) => s.event).join(',');
      const ended = trace.outcome === 'CONFIRMED' || trace.outcome === 'CANCELLED';
      // A saga still pending is reported by sagas-finish; here only those that ended, or went wrong on the way.
      const onAPath = Object.values(SAGA_PATHS).some((path) =>
        ended ? path.join(',') === events : path.join(',').startsWith(events),
      );
      if (!onAPath)
        problems.push({
          id: trace.id,
          message: `saga ${trace.id} (${trace.outcome}) went ${describeTrace(trace)}`,
          ops: opsFor(operations, trace.id),
        });
    }
    const result = verdictOf('trace-is-a-saga-path', summarize('trace-is-a-saga-path', problems));
    // The traces to show: those of wrong sagas and of stuck ones, then a few of each outcome.
    const stuck = finalState.orders.filter((o) => o.status === 'PENDING').map((o) => o.id);
    const shown = new Set([...problems.map((p) => p.id), ...stuck].slice(0, LISTED));
    for (const outcome of ['CONFIRMED', 'CANCELLED'])
      for (const t of [...traces.values()].filter((t) => t.outcome === outcome).slice(0, SAMPLE_TRACES))
        shown.add(t.id);
    return {
      ...result,
      traces: [...shown].map((id) => traces.get(id)).filter((t): t is Trace => t !== undefined),
    };
  },
};

/** services-agree and conserved are the orchestrated saga's, on the same kind of state. */
export const choreographyCheckers = [sagasFinish, servicesAgree, conserved, traceIsASagaPath];
