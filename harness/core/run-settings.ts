/**
 * A run's settings (the command line's and the config's overrides) and how
 * they resolve against a scenario's own workload, deadline and load.
 */
import { UsageError } from './errors.ts';
import type { LoadEngine, LoadOptions } from './load.ts';
import type { ScenarioDefinition } from './scenario.ts';
import type { Thresholds } from './thresholds.ts';
import { pacingFor, type WorkloadSpec } from './workload.ts';

export interface RunSettings {
  seed: number;
  outDir: string;
  /** Overrides from the command line, applied to every scenario. */
  workers?: number;
  durationMs?: number;
  timeScale?: number;
  windowMs?: number;
  /** Per-operation deadline (ms), overriding the scenario's. */
  timeoutMs?: number;
  /** Measure paced operations from when they were meant to start (default true). */
  correctCoordinatedOmission?: boolean;
  /**
   * Open model: operations (or requests) per second over all workers, which
   * are paced to it; latency then counts from when each was due.
   */
  ratePerSecond?: number;
  /** Load scenarios: run them on this engine instead of the scenario's own (`chaos k6 run`). */
  engine?: LoadEngine;
  /** k6: instances, each running one execution segment. */
  segments?: number;
  /** Load scenarios: thresholds added to (or replacing, per metric) the scenario's. */
  thresholds?: Thresholds;
  /** Thresholds on every run's own results (violations, latency{op:...}, conflict_rate...), from the config. */
  runThresholds?: Thresholds;
  /** Called a few times a second while a workload runs (the terminal's progress line). */
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

export interface RunProgress {
  scenario: string;
  variant: string;
  elapsedMs: number;
  /** Planned length; absent for runs of an operation count. */
  totalMs?: number;
  operations: number;
  activeFaults: string[];
}

/** An operation still running after this long is recorded as `info`. */
export const DEFAULT_TIMEOUT_MS = 5000;

export function resolveWorkload(scenario: ScenarioDefinition, settings: RunSettings): WorkloadSpec {
  const w = scenario.workload;
  const spec: WorkloadSpec = {
    workers: settings.workers ?? w.workers ?? 4,
    pacing: w.pacing ?? { kind: 'closed' },
    keys: {
      count: w.keys ?? 10,
      distribution: w.keyDistribution ?? 'uniform',
      hotFraction: w.hotFraction ?? 0.8,
    },
    seed: settings.seed,
  };
  const durationMs = settings.durationMs ?? w.durationMs;
  if (durationMs !== undefined) spec.durationMs = durationMs;
  if (w.opCount !== undefined && settings.durationMs === undefined) spec.opCount = w.opCount;
  if (spec.durationMs === undefined && spec.opCount === undefined) spec.durationMs = 3000;
  // The open model for the workers; a load engine paces its requests itself (see resolveLoad).
  if (settings.ratePerSecond !== undefined && !scenario.load)
    spec.pacing = pacingFor(settings.ratePerSecond / spec.workers, spec.workers);
  return spec;
}

/** The per-operation deadline: the command line's, else the scenario's, else the default. */
export function timeoutOf(scenario: ScenarioDefinition, settings: Pick<RunSettings, 'timeoutMs'>): number {
  return settings.timeoutMs ?? scenario.workload.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/** A load scenario's engine, rate and thresholds after the command line's overrides. */
export function resolveLoad(scenario: ScenarioDefinition, settings: RunSettings): LoadOptions | undefined {
  if (!scenario.load) {
    if (settings.engine)
      throw new UsageError(
        `scenario ${scenario.name} has no HTTP load; ${settings.engine} runs only load scenarios`,
      );
    return undefined;
  }
  const load: LoadOptions = { ...scenario.load, engine: settings.engine ?? scenario.load.engine };
  const ratePerSecond = settings.ratePerSecond ?? scenario.load.ratePerSecond;
  if (ratePerSecond !== undefined) load.ratePerSecond = ratePerSecond;
  if (scenario.load.thresholds || settings.thresholds)
    load.thresholds = { ...scenario.load.thresholds, ...settings.thresholds };
  return load;
}
