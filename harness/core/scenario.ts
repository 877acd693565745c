/**
 * A scenario: a target, the variants to run, a workload, the faults, and
 * optionally an HTTP load engine or a series of passes judged together.
 */

import type { CheckResult } from './check.ts';
import type { FaultSpec } from './fault-plan.ts';
import type { Operation } from './history.ts';
import type { LoadOptions } from './load.ts';
import type { TimingPointResult } from './results.ts';
import type { RunSettings } from './run-settings.ts';
import type { Pacing, WorkloadSpec } from './workload.ts';

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

/** One pass of a multi-pass scenario: its workload, and a label for its history file. */
export interface PassSpec {
  label: string;
  spec: WorkloadSpec;
}

/** What a finished pass recorded, for judging a series of passes together. */
export interface PassOutcome {
  spec: WorkloadSpec;
  operations: Operation[];
}

/**
 * A scenario whose workload runs as several passes, each on fresh databases,
 * judged together. The article's timing experiment is one (it lives with its
 * target, in targets/postgres-versioning/timing-grid.ts); the runner knows
 * nothing of what a series means.
 */
export interface PassSeries {
  /** The passes, derived from the scenario's resolved workload and the run's settings. */
  passes(base: WorkloadSpec, settings: Pick<RunSettings, 'timeScale' | 'windowMs'>): PassSpec[];
  /**
   * Checks over the passes run so far (fewer than planned when interrupted), and
   * figures for results.json. `broken`: the variant is a mutant.
   */
  judge(passes: PassOutcome[], broken: boolean): { checks: CheckResult[]; timingGrid?: TimingPointResult[] };
}

export interface ScenarioDefinition {
  name: string;
  description: string;
  target: string;
  /** Variants to run; all of the target's when absent. */
  variants?: string[];
  workload: WorkloadOptions;
  /** Run the workload as several passes judged together, instead of once. */
  passes?: PassSeries;
  /** The nemesis's schedule for this scenario. */
  faults?: FaultSpec[];
  /** Drive an HTTP target with a load engine (autocannon, k6) instead of workers calling its operations. */
  load?: LoadOptions;
}
