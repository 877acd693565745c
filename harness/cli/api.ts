/**
 * The programmatic API behind `runScenario` of the public API (harness/index.ts):
 * one scenario of a config, run as `chaos run --scenario` runs it. Its servers
 * are started and stopped, its histories and results.json written to the
 * report folder, and its results returned, each violation with the
 * operations that prove it.
 *
 * This module holds the types and loads the runner on the first call
 * (run-scenario.ts): a user's target and config import the public API, and
 * must not load every target, report and load engine of the harness with it.
 *
 *   const results = await runScenario(config, { scenario: 'concurrent-deposits', variant: 'correct' });
 */
import type { ViolationView } from '../../reports/html/report-data.ts';
import type { ChaosConfig } from '../config/config.ts';
import type { RunResult, SuiteResults } from '../core/results.ts';
import type { ProviderPreference } from '../providers/select.ts';

export type { ProvingOperation, ViolationView } from '../../reports/html/report-data.ts';

export interface RunScenarioOptions {
  /** The scenario: one of the config's, or a built-in one. */
  scenario: string;
  /** Its variant, or variants, to run (default: all of the scenario's). */
  variant?: string | string[];
  /** The operation plan's seed (default: the config's `run.seed`, else a fresh one, in the results). */
  seed?: number;
  /** How long the scenario runs (default: the config's `run.duration`, else the scenario's own). */
  durationMs?: number;
  workers?: number;
  /** Per-operation deadline (default 5 s): a call still running then is recorded as info. */
  timeoutMs?: number;
  /** Where results.json and the histories go (default: the config's `run.out`, else chaos-report/SCENARIO-TIMESTAMP). */
  outDir?: string;
  /** How databases are provided (default: the config's `providers.default`, else auto). */
  provider?: ProviderPreference;
  /** Aborting it ends the run early; what was recorded is returned, marked interrupted. */
  signal?: AbortSignal;
}

/** One run's result (as in results.json), with the violations it shows and the operations that prove each. */
export interface ScenarioRun extends RunResult {
  proofs: ViolationView[];
}

/** The results of `runScenario`: results.json's content, each run with its proofs, and where it was written. */
export interface ScenarioResults extends Omit<SuiteResults, 'runs'> {
  runs: ScenarioRun[];
  /** The report folder: results.json and the histories. */
  outDir: string;
}

/**
 * Run one scenario of `config` (its variants, or the one asked for) and
 * return its results. A bad config or option is a UsageError, a database that
 * cannot be started an EnvironmentError; either way no server is left running.
 */
export async function runScenario(
  config: ChaosConfig,
  options: RunScenarioOptions,
): Promise<ScenarioResults> {
  const { runScenarioNow } = await import('./run-scenario.ts');
  return runScenarioNow(config, options);
}
