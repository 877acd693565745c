/**
 * Runs a list of (scenario, variant) pairs one after another on shared
 * servers, reporting each result as soon as it exists, and stops cleanly
 * when the signal aborts.
 */
import { preflight } from './preflight.ts';
import type { PlannedRun } from './registry.ts';
import { type RunResult, type RunSettings, runScenario } from './runner.ts';
import type { ServerPool } from './server-pool.ts';

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
  const results: RunResult[] = [];
  for (const [index, run] of runs.entries()) {
    if (settings.signal?.aborted) break;
    hooks.onRunStart?.(run, index, runs.length);
    const result = await runScenario(run.scenario, run.target, run.variant, pool, settings);
    results.push(result);
    hooks.onRunDone?.(result);
  }
  return results;
}
