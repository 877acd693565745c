/**
 * `chaos k6 export`: a self-contained k6 script (TypeScript, which k6 runs
 * natively) for an HTTP load scenario. The requests are the target's own
 * (its `requestSource`, the same autocannon sends), numbered by k6's `iterationInTest`, which is
 * unique across execution segments: N instances together send exactly the
 * requests one instance would. Thresholds use k6's metric names.
 */

import type { RequestContext } from '../../harness/core/target.ts';
import { type Thresholds, toK6Thresholds } from '../../harness/core/thresholds.ts';

export interface K6ScriptOptions {
  scenario: string;
  seed: number;
  /** Default base URL; `BASE_URL` in the environment overrides it. */
  baseUrl: string;
  /** Virtual users: the closed model's concurrency, the open model's pre-allocated pool. */
  connections: number;
  /** Open model (k6's constant-arrival-rate): iterations per second. */
  ratePerSecond?: number;
  /** A fixed number of iterations shared by the VUs (shared-iterations); else a duration. */
  iterations?: number;
  durationMs?: number;
  thresholds: Thresholds;
  requestSource: string;
  /** The requests' third argument; a script exported outside a run has no data. */
  requestContext: RequestContext;
  expectedStatuses: number[];
  timeoutMs: number;
}

/** The trend statistics k6 keeps in its summary; the harness reads p(99) and p(99.9) from it. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(99)', 'p(99.9)'];

/** The k6 scenario (executor and its settings) for the load model. */
export function k6Executor(options: K6ScriptOptions): Record<string, unknown> {
  const duration = `${Math.max(1, Math.round((options.durationMs ?? 10_000) / 1000))}s`;
  if (options.iterations !== undefined)
    return {
      executor: 'shared-iterations',
      vus: options.connections,
      iterations: options.iterations,
      maxDuration: '10m',
    };
  if (options.ratePerSecond !== undefined)
    return {
      executor: 'constant-arrival-rate',
      rate: options.ratePerSecond,
      timeUnit: '1s',
      duration,
      preAllocatedVUs: options.connections,
      maxVUs: options.connections * 4,
    };
  return { executor: 'constant-vus', vus: options.connections, duration };
}

export function k6Script(options: K6ScriptOptions): string {
  const k6Options = {
    scenarios: { [options.scenario]: k6Executor(options) },
    thresholds: toK6Thresholds(options.thresholds),
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
  return `// k6 script for the "${options.scenario}" scenario, written by \`npm run chaos -- k6 export ${options.scenario}\`.
// Run it with: BASE_URL=http://127.0.0.1:PORT k6 run <this file>
// Self-contained: no imports beyond k6's own modules, so it runs unchanged on any k6 machine.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';

const SEED: number = Number(__ENV.SEED ?? ${options.seed});
const BASE_URL: string = __ENV.BASE_URL ?? ${JSON.stringify(options.baseUrl)};
// Statuses a correct service may answer with; anything else fails the check and counts in http_req_failed.
const EXPECTED_STATUSES: number[] = ${JSON.stringify(options.expectedStatuses)};
http.setResponseCallback(http.expectedStatuses(...EXPECTED_STATUSES));

export const options = ${JSON.stringify(k6Options, null, 2)};

// The target's requests, the same for every instance: iteration n always sends request(SEED, n, CONTEXT).
${options.requestSource}
const CONTEXT = ${JSON.stringify(options.requestContext)};

export default function (): void {
  const r = request(SEED, exec.scenario.iterationInTest, CONTEXT);
  const response = http.request(r.method, BASE_URL + r.path, r.body === undefined ? null : JSON.stringify(r.body), {
    headers: Object.assign({ 'content-type': 'application/json' }, r.headers),
    timeout: '${options.timeoutMs}ms',
  });
  check(response, { 'status is one the target allows': (res) => EXPECTED_STATUSES.includes(res.status) });
}
`;
}
