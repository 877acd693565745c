/**
 * Runs a list of (scenario, variant) pairs one after another on shared
 * servers, reporting each result as soon as it exists, and stops cleanly
 * when the signal aborts.
 */

import { join } from 'node:path';
import type { PlannedRun } from '../config/registry.ts';
import { ExitCode } from '../core/errors.ts';
import type { RunResult, SuiteResults } from '../core/results.ts';
import type { RunSettings } from '../core/run-settings.ts';
import { anyThresholdFailed } from '../core/run-thresholds.ts';
import { runScenario } from '../core/runner.ts';
import type { ServerPool } from '../providers/server-pool.ts';
import { runEnvironment } from './environment.ts';
import { preflight } from './preflight.ts';

export interface SuiteHooks {
  onRunStart?(run: PlannedRun, index: number, total: number): void;
  onRunDone?(result: RunResult): void;
}

export async function runSuite(
  runs: PlannedRun[],
  pool: ServerPool,
  settings: RunSettings,
  hooks: SuiteHooks = {},
): Promise<RunResult[]> {
  await preflight(runs, pool);
  const environment = runEnvironment(pool);
  const results: RunResult[] = [];
  for (const [index, run] of runs.entries()) {
    if (settings.signal?.aborted) break;
    hooks.onRunStart?.(run, index, runs.length);
    const result = await runScenario(run.scenario, run.target, run.variant, environment, settings);
    results.push(result);
    hooks.onRunDone?.(result);
  }
  return results;
}

/**
 * runSuite on the pool's servers, each result added to `results` as it comes;
 * then, whatever happened, the servers are described in `results` and stopped.
 */
export async function runSuiteInto(
  results: SuiteResults,
  runs: PlannedRun[],
  pool: ServerPool,
  settings: RunSettings,
  hooks: SuiteHooks = {},
  /** `run --seeds`: the suite once per seed, each seed's files in its own folder. */
  seeds?: number[],
): Promise<void> {
  const passes = seeds
    ? seeds.map((seed) => ({ ...settings, seed, outDir: join(settings.outDir, `seed-${seed}`) }))
    : [settings];
  try {
    for (const pass of passes) {
      if (settings.signal?.aborted) break;
      await runSuite(runs, pool, pass, {
        ...hooks,
        onRunDone: (result) => {
          results.runs.push(result);
          hooks.onRunDone?.(result);
        },
      });
    }
  } finally {
    results.servers = await pool.describe();
    await pool.stopAll();
  }
}

/**
 * A finished suite's verdict, set in `results`: passed when every planned run
 * ran and was as expected (correct held, broken caught), and the exit code
 * that says so (`errorCode` when the suite stopped on an error).
 */
export function concludeSuite(results: SuiteResults, planned: number, errorCode?: number): number {
  results.passed =
    !results.error &&
    !results.interrupted &&
    results.runs.length === planned &&
    results.runs.every((r) => r.passed);
  results.exitCode =
    errorCode ??
    (results.interrupted
      ? ExitCode.interrupted
      : !results.passed
        ? ExitCode.checksFailed
        : results.runs.some(anyThresholdFailed)
          ? ExitCode.thresholdFailed
          : ExitCode.ok);
  results.finishedAt = new Date().toISOString();
  return results.exitCode;
}
