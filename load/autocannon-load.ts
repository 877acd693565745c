/**
 * In-process HTTP load with autocannon's programmatic API. Each connection is
 * a worker of the history: its requests come from the target's HTTP planner
 * and the run's seed (bodies, idempotency keys), every request is recorded as
 * an invoke and every answer as its completion, so the same checkers judge a
 * load run as any other run.
 *
 * Closed model: `connections` requests in flight, the next sent as soon as
 * one is answered. Open model: autocannon's `overallRate`, a budget of
 * requests per second spread over the connections.
 */
import autocannon from 'autocannon';
import type { HistoryWriter } from '../harness/core/history.ts';
import type { LoadResult } from '../harness/core/load.ts';
import type { HttpInterface, RequestContext } from '../harness/core/target.ts';
import { evaluateThresholds, type MetricValues, type Thresholds } from '../harness/core/thresholds.ts';
import { quotaOf } from '../harness/core/workload.ts';
import { requestFunction } from './request-source.ts';

export interface AutocannonPlan {
  baseUrl: string;
  http: HttpInterface;
  connections: number;
  /** Open model: requests per second over all connections. */
  ratePerSecond?: number;
  /** Run for this long, or until `requests` have been answered. */
  durationMs?: number;
  requests?: number;
  timeoutMs: number;
  seed: number;
  requestContext: RequestContext;
  /** Open model: record when each request was due, so a stalled service cannot hide the requests it delayed. */
  correctCoordinatedOmission: boolean;
  thresholds?: Thresholds;
  history: HistoryWriter;
  signal?: AbortSignal;
}

/** The part of an autocannon client this module uses (its documented `setRequests`). */
interface AutocannonClient {
  setRequests(requests: autocannon.Request[]): void;
}

export async function runAutocannon(plan: AutocannonPlan): Promise<LoadResult> {
  const { http, history, connections } = plan;
  const startedAt = history.now();
  let nextConnection = 0;
  let checksFailed = 0;
  /** Each connection's request still waiting for an answer, closed as `info` at the end. */
  const inFlight = new Map<number, { id: number; op: string }>();

  const open = plan.ratePerSecond !== undefined;
  // autocannon gives each connection floor(rate / connections) requests per second, the remainder to the first ones.
  const perConnectionRate = (connection: number) =>
    plan.ratePerSecond === undefined ? 0 : quotaOf(plan.ratePerSecond, connections, connection);

  const requestAt = requestFunction(http.requestSource);
  // Numbered in the order requests go out, over all connections, as k6 numbers its iterations.
  let nextIteration = 0;

  const setupClient = (client: AutocannonClient) => {
    const connection = nextConnection++;
    const intervalMs = open ? 1000 / perConnectionRate(connection) : 0;
    let index = 0;

    const setupRequest = (request: autocannon.Request) => {
      const previous = inFlight.get(connection);
      // A new request while one is unanswered: autocannon gave up on it (timeout or reset connection).
      if (previous)
        history.complete(previous.id, connection, previous.op, {
          outcome: 'info',
          error: 'no answer (timed out or connection reset)',
        });
      const spec = requestAt(plan.seed, nextIteration++, plan.requestContext);
      const planned = http.operationOf(spec);
      // Due time on an even schedule; autocannon may send early in a burst, never count that as negative latency.
      const due =
        open && plan.correctCoordinatedOmission
          ? Math.min(history.now(), startedAt + index * intervalMs)
          : undefined;
      index++;
      inFlight.set(connection, {
        id: history.invoke(connection, planned.op, planned.args, due),
        op: planned.op,
      });
      return {
        ...request,
        method: spec.method as autocannon.Request['method'],
        path: spec.path,
        headers: {
          ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...spec.headers,
        },
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      };
    };

    const onResponse = (status: number, body: string) => {
      const pending = inFlight.get(connection);
      if (!pending) return;
      inFlight.delete(connection);
      if (!http.expectedStatuses.includes(status)) checksFailed++;
      let parsed: unknown = body;
      try {
        parsed = body ? JSON.parse(body) : {};
      } catch {
        // not JSON: the outcome function sees the text
      }
      history.complete(pending.id, connection, pending.op, http.outcome(status, parsed));
    };

    client.setRequests([{ method: 'GET', path: '/', setupRequest, onResponse } as autocannon.Request]);
  };

  const options: autocannon.Options = {
    url: plan.baseUrl,
    connections,
    timeout: Math.max(1, Math.ceil(plan.timeoutMs / 1000)),
    setupClient: setupClient as unknown as autocannon.Options['setupClient'],
    // A placeholder each client replaces in setupClient; it has no setupRequest, so building it records nothing.
    requests: [{ method: 'GET', path: '/' }],
  };
  if (plan.requests !== undefined) options.amount = plan.requests;
  else options.duration = (plan.durationMs ?? 3000) / 1000;
  if (plan.ratePerSecond !== undefined) {
    options.overallRate = plan.ratePerSecond;
    // autocannon's own correction uses an interval of 1/rate *milliseconds* (a unit slip), so it is
    // off; the history records due times instead (see above) and its percentiles are the corrected ones.
    options.ignoreCoordinatedOmission = true;
  }

  let stop = () => {};
  plan.signal?.addEventListener('abort', () => stop(), { once: true });
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)));
    stop = () => instance.stop();
    if (plan.signal?.aborted) stop();
  });
  for (const [connection, pending] of inFlight)
    history.complete(pending.id, connection, pending.op, {
      outcome: 'info',
      error: 'still unanswered when the load stopped',
    });

  const latency = {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    p99_9: result.latency.p99_9,
    avg: result.latency.average,
    max: result.latency.max,
  };
  const answered = result.requests.total;
  const seconds = result.duration;
  const load: LoadResult = {
    engine: 'autocannon',
    model: open ? 'open' : 'closed',
    connections,
    requests: answered,
    requestsPerSecond: seconds > 0 ? answered / seconds : 0,
    latency,
    latencySource: "autocannon's HDR histogram, from when each request was sent",
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    checksFailed,
    thresholds: [],
  };
  if (plan.ratePerSecond !== undefined) load.ratePerSecond = plan.ratePerSecond;
  if (plan.thresholds) load.thresholds = evaluateThresholds(plan.thresholds, autocannonMetrics(result, load));
  return load;
}

/** What autocannon measured, by the harness's threshold metric names. */
function autocannonMetrics(result: autocannon.Result, load: LoadResult): Record<string, MetricValues> {
  const percentiles: Record<string, number> = {
    '50': result.latency.p50,
    '90': result.latency.p90,
    '97.5': result.latency.p97_5,
    '99': result.latency.p99,
    '99.9': result.latency.p99_9,
  };
  const sent = load.requests + load.errors;
  return {
    latency: (aggregation, p) => {
      if (p !== undefined) return percentiles[String(p)];
      if (aggregation === 'avg') return result.latency.average;
      if (aggregation === 'max') return result.latency.max;
      if (aggregation === 'min') return result.latency.min;
      if (aggregation === 'med') return result.latency.p50;
      return undefined;
    },
    // As in the exported k6 script: a request failed when its status is not one the target allows, or it got none.
    failed_requests: (aggregation) =>
      aggregation === 'rate' ? (sent === 0 ? 0 : (load.checksFailed + load.errors) / sent) : undefined,
    checks: (aggregation) =>
      aggregation === 'rate' ? (load.requests === 0 ? 0 : 1 - load.checksFailed / load.requests) : undefined,
    requests: (aggregation) =>
      aggregation === 'count' ? load.requests : aggregation === 'rate' ? load.requestsPerSecond : undefined,
  };
}
