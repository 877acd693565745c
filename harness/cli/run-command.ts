/**
 * `run` (the default): the selected scenarios on their servers, a table per
 * scenario, results.json after every run, the reports, and one exit code.
 */
import { formatProgress, ProgressLine } from '../../reports/progress.ts';
import { writeResults } from '../../reports/results-json.ts';
import {
  chooseStyle,
  formatDetection,
  formatScenario,
  formatSummary,
  interactive,
  seedList,
  violationCount,
} from '../../reports/terminal.ts';
import { builtins } from '../../targets/index.ts';
import type { ChaosConfig } from '../config/config.ts';
import { type PlannedRun, type Registry, selectRuns } from '../config/registry.ts';
import { detectionMatrix } from '../core/detection.ts';
import { EnvironmentError, ExitCode, UsageError } from '../core/errors.ts';
import type { RunResult } from '../core/results.ts';
import { type RunSettings, resolveLoad } from '../core/run-settings.ts';
import { thresholdResultsOf } from '../core/run-thresholds.ts';
import type { ScenarioDefinition } from '../core/scenario.ts';
import {
  newResults,
  onInterrupt,
  outDirOf,
  runSettingsOf,
  seedOf,
  serverPoolOf,
  writeReports,
} from './common.ts';
import { chaosCommand } from './invocation.ts';
import type { RunOptions } from './options.ts';
import { gate, readBaseline } from './report-commands.ts';
import { concludeSuite, runSuiteInto } from './suite.ts';

function replayCommand(options: RunOptions, seed: number): string {
  const parts = [chaosCommand()];
  if (options.engine === 'k6') parts.push(`k6 run ${options.scenarios?.[0]}`);
  else for (const s of options.scenarios ?? []) parts.push(`--scenario ${s}`);
  for (const t of options.targets ?? []) parts.push(`--target ${t}`);
  for (const v of options.variants ?? []) parts.push(`--variant ${v}`);
  if (options.workers) parts.push(`--workers ${options.workers}`);
  if (options.durationMs !== undefined) parts.push(`--duration ${options.durationMs}ms`);
  if (options.timeScale !== undefined) parts.push(`--time-scale ${options.timeScale}`);
  if (options.windowMs !== undefined) parts.push(`--window ${options.windowMs}ms`);
  if (options.timeoutMs !== undefined) parts.push(`--timeout ${options.timeoutMs}ms`);
  if (options.correctCoordinatedOmission === false) parts.push('--no-co-correction');
  if (options.ratePerSecond !== undefined) parts.push(`--rate ${options.ratePerSecond}`);
  if (options.segments !== undefined) parts.push(`--segments ${options.segments}`);
  for (const [metric, expressions] of Object.entries(options.thresholds ?? {}))
    for (const e of expressions) parts.push(`--threshold '${metric}=${e}'`);
  if (options.builtin) parts.push('--builtin');
  if (options.config) parts.push(`--config ${options.config}`);
  parts.push(options.seeds ? `--seeds ${seedList(options.seeds)}` : `--seed ${seed}`);
  return parts.join(' ');
}

/**
 * The scenarios a run covers when the user names none (no --scenario, no
 * --target): the config's own; every one, the built-in suite included, with
 * --builtin or when the config has none of its own (or there is no config).
 * Undefined means every scenario of the registry.
 */
export function scenariosInScope(
  options: Pick<RunOptions, 'scenarios' | 'targets' | 'builtin'>,
  registry: Registry,
  builtinScenarios: readonly ScenarioDefinition[] = builtins.scenarios,
): string[] | undefined {
  if (options.scenarios || options.targets || options.builtin) return options.scenarios;
  const builtin = new Set(builtinScenarios.map((s) => s.name));
  const own = [...registry.scenarios.keys()].filter((name) => !builtin.has(name));
  return own.length > 0 ? own : undefined;
}

/** What a run does, decided before any server starts. */
export interface RunPlan {
  runs: PlannedRun[];
  seed: number;
  outDir: string;
  settings: RunSettings;
}

/**
 * The runs the options select, the seed, the report folder (made) and the
 * settings; a scenario the engine cannot run is a usage error here, before
 * any server starts.
 */
export function planRun(
  options: RunOptions,
  config: ChaosConfig,
  registry: Registry,
  signal: AbortSignal | undefined,
  outPrefix = '',
): RunPlan {
  const scenarios = scenariosInScope(options, registry);
  const runs = selectRuns(registry, {
    ...(scenarios ? { scenarios } : {}),
    ...(options.targets ? { targets: options.targets } : {}),
    ...(options.variants ? { variants: options.variants } : {}),
  });
  if (options.seeds && options.seed !== undefined)
    throw new UsageError('run: --seed runs one seed, --seeds a range of them; choose one');
  const seed = options.seeds?.[0] ?? seedOf(options, config);
  const outDir = outDirOf(options, outPrefix, config.run);
  const settings = runSettingsOf(options, config, { seed, outDir, ...(signal ? { signal } : {}) });
  for (const run of runs) resolveLoad(run.scenario, settings);
  return { runs, seed, outDir, settings };
}

export async function runCommand(
  options: RunOptions,
  config: ChaosConfig,
  registry: Registry,
): Promise<number> {
  const style = chooseStyle();
  const abort = new AbortController();
  // Bad input is judged before anything runs: the baseline too, not only after the suite.
  const baseline = options.baseline ? readBaseline(options.baseline) : undefined;
  const { runs, seed, outDir, settings } = planRun(options, config, registry, abort.signal);
  const pool = serverPoolOf(options, config);

  const results = newResults(seed, replayCommand(options, seed));
  if (options.seeds) results.seeds = options.seeds;
  const save = () => writeResults(outDir, results);

  abort.signal.addEventListener('abort', () => {
    results.interrupted = true;
  });
  const stopHandlingInterrupts = onInterrupt(() => {
    results.exitCode = ExitCode.interrupted;
    save();
  }, abort);

  const passes = options.seeds?.length ?? 1;
  const seedsText = options.seeds ? `seeds ${seedList(options.seeds)}` : `seed ${seed}`;
  console.log(`${seedsText}; ${runs.length * passes} runs; report folder ${outDir}`);
  // The progress line redraws itself, so only a person at a terminal gets it (as with colours).
  const line = interactive() ? new ProgressLine() : undefined;
  let runIndex = 0;
  let violationsSoFar = 0;
  if (line)
    settings.onProgress = (progress) =>
      line.draw(formatProgress(progress, { index: runIndex, total: runs.length, violationsSoFar }));
  let errorCode: number | undefined;
  const byScenario = new Map<string, RunResult[]>();
  try {
    await runSuiteInto(
      results,
      runs,
      pool,
      settings,
      {
        onRunStart: (run, index, total) => {
          runIndex = index;
          line?.draw(`[${index + 1}/${total}] ${run.scenario.name} / ${run.variant} starting`);
        },
        onRunDone: (result) => {
          line?.clear();
          violationsSoFar += violationCount(result);
          save();
          // One table per scenario and seed.
          const key = `${result.scenario}@${result.seed}`;
          const group = byScenario.get(key) ?? [];
          group.push(result);
          byScenario.set(key, group);
          const expected = runs.filter((r) => r.scenario.name === result.scenario).length;
          if (group.length === expected) console.log(`\n${formatScenario(group, style)}`);
        },
      },
      options.seeds,
    );
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    results.error = error.message;
    errorCode = error.exitCode;
  } finally {
    line?.clear();
    stopHandlingInterrupts();
  }
  // Scenarios cut short by an interrupt still get their table.
  for (const group of byScenario.values()) {
    const expected = runs.filter((r) => r.scenario.name === group[0]!.scenario).length;
    if (group.length < expected) console.log(`\n${formatScenario(group, style)}`);
  }

  if (options.seeds) results.detection = detectionMatrix(results.runs);
  let exitCode = concludeSuite(results, runs.length * passes, errorCode);
  const path = save();
  const reports = (await writeReports(outDir, results, style)).lines;

  console.log('');
  if (results.error) console.error(style.red(`error: ${results.error}`));
  console.log(formatSummary(results.runs, style));
  if (results.detection) console.log(`\n${formatDetection(results.detection, style)}`);
  for (const r of results.runs) {
    for (const t of thresholdResultsOf(r).filter((x) => !x.passed))
      console.log(
        style.red(
          `threshold failed: ${r.scenario} / ${r.variant}: ${t.metric} ${t.expression} (measured ${t.value ?? 'nothing'}; exit ${ExitCode.thresholdFailed})`,
        ),
      );
  }
  console.log(`results: ${path}`);
  for (const line of reports) console.log(line);
  console.log(`replay:  ${results.replay}`);
  // With --baseline, a regression fails a run that otherwise passed.
  if (baseline) {
    const gated = gate(results, options, baseline);
    if (exitCode === ExitCode.ok) exitCode = gated;
  }
  return exitCode;
}
