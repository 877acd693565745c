/**
 * What a load engine (autocannon in-process, k6 as an external process)
 * reports for one run, in one shape, so both land in `results.json` beside
 * the invariant results of the same run.
 */
import type { HistoryWriter } from './history.ts';
import type { TargetContext, TargetDefinition } from './target.ts';
import type { ThresholdResult, Thresholds } from './thresholds.ts';
import type { WorkloadSpec } from './workload.ts';

export type LoadEngine = 'autocannon' | 'k6';

/** A scenario's load: the workload's workers are the engine's connections (k6: virtual users). */
export interface LoadOptions {
  engine: LoadEngine;
  /** Open model: requests per second over all connections. Absent: closed model. */
  ratePerSecond?: number;
  /** Thresholds in k6's syntax on latency, failed_requests, checks, requests (or k6 metric names). */
  thresholds?: Thresholds;
}

export interface LoadLatency {
  p50: number;
  p90: number;
  p99: number;
  p99_9: number;
  avg: number;
  max: number;
}

export interface LoadResult {
  engine: LoadEngine;
  model: 'closed' | 'open';
  connections: number;
  ratePerSecond?: number;
  /** Requests answered. */
  requests: number;
  requestsPerSecond: number;
  /** Milliseconds. */
  latency: LoadLatency;
  /** Where the latency percentiles come from, in words (histogram, merged raw samples...). */
  latencySource: string;
  /** Answers outside 2xx. */
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Responses whose status the target does not allow. */
  checksFailed: number;
  thresholds: ThresholdResult[];
  /** k6 only: how many instances ran (execution segments). */
  segments?: number;
  /** k6 only: iterations run, summed over segments. */
  iterations?: number;
  /** k6 only: each instance's own summary figures, labelled as such. */
  perSegment?: { segment: string; requests: number; iterations: number; p99: number }[];
  /** k6 only: its exit code (99: a threshold failed). */
  exitCode?: number;
}

/** One load engine run: what the runner hands to the engine in place of the workers. */
export interface LoadRun {
  scenario: string;
  load: LoadOptions;
  target: TargetDefinition;
  ctx: TargetContext;
  spec: WorkloadSpec;
  timeoutMs: number;
  history: HistoryWriter;
  /** Folder for k6's script, summaries and raw samples. */
  outDir: string;
  /** k6: instances, each running its execution segment. */
  segments: number;
  correctCoordinatedOmission: boolean;
  signal?: AbortSignal;
}
