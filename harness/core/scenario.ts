/**
 * Named scenarios: a target, its variants, a workload and, for the article's
 * timing experiment, a grid of pacing points with the expected outcome.
 * These four reproduce the article's demonstrations.
 */

import type { FaultSpec } from './fault-plan.ts';
import type { LoadOptions } from './load.ts';
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
