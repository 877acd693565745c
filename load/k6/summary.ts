/**
 * Reading what k6 instances wrote and merging it into one LoadResult.
 * Counts (requests, iterations, check failures) add across instances.
 * Percentiles cannot be added, so they come from the raw samples of all
 * instances merged (`--out json`), never from averaging per-instance figures;
 * each instance's own p99 is kept too, labelled per segment.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LoadResult } from '../../harness/core/load.ts';
import { percentile } from '../../harness/core/stats.ts';
import { evaluateThresholds, type MetricValues, type Thresholds } from '../../harness/core/thresholds.ts';

/** The parts of k6's `--summary-export` file the harness reads. */
export interface K6Summary {
  metrics: Record<string, Record<string, number | Record<string, boolean>> | undefined>;
}

/** Per request, from the raw JSON output: its duration and status. */
export interface K6Sample {
  durationMs: number;
  status: number;
  /** k6's error code (1050 is a request timeout), absent when the request got an answer. */
  errorCode?: number;
}

/** Read `http_req_duration` points from a `--out json` file, streaming (it can be large). */
export async function readRawSamples(path: string): Promise<K6Sample[]> {
  const samples: K6Sample[] = [];
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    // Cheap filter first: most lines are other metrics.
    if (!line.includes('"http_req_duration"') || !line.includes('"Point"')) continue;
    const point = JSON.parse(line) as {
      metric: string;
      type: string;
      data: { value: number; tags?: Record<string, string> };
    };
    if (point.metric !== 'http_req_duration' || point.type !== 'Point') continue;
    const sample: K6Sample = { durationMs: point.data.value, status: Number(point.data.tags?.status ?? 0) };
    if (point.data.tags?.error_code) sample.errorCode = Number(point.data.tags.error_code);
    samples.push(sample);
  }
  return samples;
}

const count = (summary: K6Summary, metric: string, field = 'count'): number =>
  Number(summary.metrics[metric]?.[field] ?? 0);

export interface SegmentOutput {
  segment: string;
  summary: K6Summary;
  samples: K6Sample[];
  exitCode: number;
}

export function mergeSegments(
  segments: SegmentOutput[],
  settings: {
    connections: number;
    ratePerSecond?: number;
    thresholds: Thresholds;
    expectedStatuses: number[];
  },
): LoadResult {
  const durations = segments.flatMap((s) => s.samples.map((x) => x.durationMs)).sort((a, b) => a - b);
  const samples = segments.flatMap((s) => s.samples);
  const requests = segments.reduce((n, s) => n + count(s.summary, 'http_reqs'), 0);
  const iterations = segments.reduce((n, s) => n + count(s.summary, 'iterations'), 0);
  const checkFails = segments.reduce((n, s) => n + count(s.summary, 'checks', 'fails'), 0);
  const checkPasses = segments.reduce((n, s) => n + count(s.summary, 'checks', 'passes'), 0);
  const errors = samples.filter((x) => x.status === 0).length;
  const timeouts = samples.filter((x) => x.errorCode === 1050).length;
  const unexpected = samples.filter((x) => !settings.expectedStatuses.includes(x.status)).length;
  // Instances run side by side, so their rates add.
  const requestsPerSecond = segments.reduce((n, s) => n + count(s.summary, 'http_reqs', 'rate'), 0);
  const avg = durations.length === 0 ? 0 : durations.reduce((a, b) => a + b, 0) / durations.length;
  const load: LoadResult = {
    engine: 'k6',
    model: settings.ratePerSecond === undefined ? 'closed' : 'open',
    connections: settings.connections,
    requests,
    requestsPerSecond,
    latency: {
      p50: percentile(durations, 50),
      p90: percentile(durations, 90),
      p99: percentile(durations, 99),
      p99_9: percentile(durations, 99.9),
      avg,
      max: durations.at(-1) ?? 0,
    },
    latencySource:
      segments.length > 1
        ? `raw http_req_duration samples of all ${segments.length} k6 instances, merged`
        : 'raw http_req_duration samples of the k6 run',
    non2xx: samples.filter((x) => x.status !== 0 && (x.status < 200 || x.status > 299)).length,
    errors,
    timeouts,
    checksFailed: checkFails,
    thresholds: [],
    segments: segments.length,
    iterations,
    perSegment: segments.map((s) => ({
      segment: s.segment,
      requests: count(s.summary, 'http_reqs'),
      iterations: count(s.summary, 'iterations'),
      p99: Number(s.summary.metrics.http_req_duration?.['p(99)'] ?? 0),
    })),
    exitCode: Math.max(...segments.map((s) => s.exitCode)),
  };
  if (settings.ratePerSecond !== undefined) load.ratePerSecond = settings.ratePerSecond;
  const metrics: Record<string, MetricValues> = {
    latency: (aggregation, p) => {
      if (p !== undefined) return percentile(durations, p);
      if (aggregation === 'avg') return avg;
      if (aggregation === 'min') return durations[0] ?? 0;
      if (aggregation === 'max') return load.latency.max;
      if (aggregation === 'med') return load.latency.p50;
      return undefined;
    },
    failed_requests: (aggregation) =>
      aggregation === 'rate' ? (samples.length === 0 ? 0 : unexpected / samples.length) : undefined,
    checks: (aggregation) =>
      aggregation === 'rate'
        ? checkPasses + checkFails === 0
          ? 0
          : checkPasses / (checkPasses + checkFails)
        : undefined,
    requests: (aggregation) =>
      aggregation === 'count' ? requests : aggregation === 'rate' ? load.requestsPerSecond : undefined,
  };
  // The harness judges the thresholds again on the merged data: each instance only saw its segment.
  load.thresholds = evaluateThresholds(settings.thresholds, metrics);
  return load;
}
