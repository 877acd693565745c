/** runScenario of the programmatic API (api.ts), loaded on its first call. */
import { buildReportData } from '../../reports/html/report-data.ts';
import { writeResults } from '../../reports/results-json.ts';
import { builtins } from '../../targets/index.ts';
import { type ChaosConfig, validateConfig } from '../config/config.ts';
import { buildRegistry } from '../config/registry.ts';
import type { RunScenarioOptions, ScenarioResults } from './api.ts';
import { newResults, serverPoolOf } from './common.ts';
import type { RunOptions } from './options.ts';
import { planRun } from './run-command.ts';
import { concludeSuite, runSuiteInto } from './suite.ts';

export async function runScenarioNow(
  config: ChaosConfig,
  options: RunScenarioOptions,
): Promise<ScenarioResults> {
  const checked = validateConfig(config, 'the config given to runScenario');
  const registry = buildRegistry(builtins, checked);
  const { signal, variant, outDir, ...asked } = options;
  // The same options as the command line's flags would set (an option left undefined is not given).
  const runOptions: RunOptions = {
    command: 'run',
    scenarios: [options.scenario],
    variants: variant === undefined ? undefined : [variant].flat(),
    seed: asked.seed,
    durationMs: asked.durationMs,
    workers: asked.workers,
    timeoutMs: asked.timeoutMs,
    provider: asked.provider,
    out: outDir,
  };
  const plan = planRun(runOptions, checked, registry, signal, `${options.scenario}-`);
  // What reproduces the plan: the same call with the seed it ran with.
  const replay = `runScenario(config, ${JSON.stringify({ ...asked, variant, seed: plan.seed })})`;
  const results = newResults(plan.seed, replay);
  await runSuiteInto(results, plan.runs, serverPoolOf(runOptions, checked), plan.settings);
  results.interrupted = signal?.aborted ?? false;
  concludeSuite(results, plan.runs.length);
  writeResults(plan.outDir, results);
  const shown = await buildReportData(results);
  return {
    ...results,
    runs: results.runs.map((run, i) => ({ ...run, proofs: shown.runs[i]!.violations })),
    outDir: plan.outDir,
  };
}
