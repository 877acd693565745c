/**
 * What a run produces: the contract of results.json that the reporters,
 * `report` and `gate` read.
 */
import type { CheckResult, Verdict } from './check.ts';
import type { FaultWindowResult } from './fault-windows.ts';
import type { LoadResult } from './load.ts';
import type { TimingPoint } from './scenario.ts';
import type { HistorySummary } from './stats.ts';
import type { ThresholdResult } from './thresholds.ts';
import type { WorkloadSpec } from './workload.ts';

export interface TimingPointResult extends TimingPoint {
  scaledRateMs: number;
  scaledOffsetMs: number;
  failuresByWorker: number[];
  /** Whether the observed failures match `expect` (judged for the correct variant only). */
  met: boolean;
}

export interface RunResult {
  scenario: string;
  target: string;
  variant: string;
  broken: boolean;
  /** What the harness must conclude: valid for the correct variant, invalid for a mutant. */
  expected: Verdict;
  verdict: Verdict;
  /** Correct variant held, or mutant was caught. */
  passed: boolean;
  seed: number;
  workload: Omit<WorkloadSpec, 'seed'>;
  summary: HistorySummary;
  checks: CheckResult[];
  timingGrid?: TimingPointResult[];
  /** Load scenarios: what the load engine measured, thresholds judged. */
  load?: LoadResult;
  /** The config's thresholds that apply to this run, judged (absent when none apply). */
  thresholds?: ThresholdResult[];
  /** Each fault window with the operations that overlapped it, by outcome. */
  faultWindows: FaultWindowResult[];
  historyFiles: string[];
  /**
   * When the harness had its first proof of a violation: completion time (ms
   * into the run) of the earliest operation a violation names, or the end of
   * the run for violations of the final state alone. Absent when nothing was found.
   */
  detectedAtMs?: number;
  durationMs: number;
  interrupted: boolean;
  /** Set when the run could not complete (database error during setup, ...). */
  error?: string;
}

/** One point of a contention sweep (sweep.json). */
export interface SweepPoint {
  workers: number;
  /** Operations per second per worker; 0 means closed loop (as fast as it goes). */
  rate: number;
  operations: number;
  conflictRate: number;
  /** ok operations per second. */
  throughput: number;
  p99: number;
  verdict: string;
}
