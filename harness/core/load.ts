/**
 * What a load engine (autocannon in-process, k6 as an external process)
 * reports for one run, in one shape, so both land in `results.json` beside
 * the invariant results of the same run.
 */
import type { z } from 'zod';
import type { HistoryWriter } from './history.ts';
import type { LoadResultSchema } from './results.ts';
import type { RunContext, TargetDefinition } from './target.ts';
import type { Thresholds } from './thresholds.ts';
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

export type LoadResult = z.infer<typeof LoadResultSchema>;

/** One load engine run: what the runner hands to the engine in place of the workers. */
export interface LoadRun {
  scenario: string;
  load: LoadOptions;
  target: TargetDefinition;
  ctx: RunContext;
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
