/**
 * Runs a list of (scenario, variant) pairs one after another on shared
 * servers, reporting each result as soon as it exists, and stops cleanly
 * when the signal aborts.
 */

import type { PlannedRun } from '../config/registry.ts';
import type { RunResult } from '../core/results.ts';
import type { RunSettings } from '../core/run-settings.ts';
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
