/**
 * `run` (the default): the selected scenarios on their servers, a table per
 * scenario, results.json after every run, the reports, and one exit code.
 */
import { formatProgress, ProgressLine } from '../../reports/progress.ts';
import { writeResults } from '../../reports/results-json.ts';
import {
  chooseStyle,
  formatScenario,
  formatSummary,
  interactive,
  violationCount,
} from '../../reports/terminal.ts';
import type { ChaosConfig } from '../config/config.ts';
import { type Registry, selectRuns } from '../config/registry.ts';
import { EnvironmentError, ExitCode } from '../core/errors.ts';
import type { RunResult } from '../core/results.ts';
import { resolveLoad } from '../core/run-settings.ts';
import { anyThresholdFailed, thresholdResultsOf } from '../core/run-thresholds.ts';
import {
  newResults,
  onInterrupt,
  outDirOf,
  runSettingsOf,
  seedOf,
  serverPoolOf,
  writeReports,
} from './common.ts';
import type { RunOptions } from './options.ts';
import { gate } from './report-commands.ts';
import { runSuite } from './suite.ts';

function replayCommand(options: RunOptions, seed: number): string {
  const parts = ['npm run chaos --'];
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
  if (options.config) parts.push(`--config ${options.config}`);
  parts.push(`--seed ${seed}`);
  return parts.join(' ');
}

export async function runCommand(
  options: RunOptions,
  config: ChaosConfig,
  registry: Registry,
): Promise<number> {
  const style = chooseStyle();
  const runs = selectRuns(registry, {
    ...(options.scenarios ? { scenarios: options.scenarios } : {}),
    ...(options.targets ? { targets: options.targets } : {}),
    ...(options.variants ? { variants: options.variants } : {}),
  });
  const seed = seedOf(options, config);
  const outDir = outDirOf(options, '', config.run?.out);
  const abort = new AbortController();
  const settings = runSettingsOf(options, config, { seed, outDir, signal: abort.signal });
  // A scenario the engine cannot run is a usage error before any server starts.
  for (const run of runs) resolveLoad(run.scenario, settings);

  const pool = serverPoolOf(options, config);

  const results = newResults(seed, replayCommand(options, seed));
  const save = () => writeResults(outDir, results);

  abort.signal.addEventListener('abort', () => {
    results.interrupted = true;
  });
  const stopHandlingInterrupts = onInterrupt(() => {
    results.exitCode = ExitCode.interrupted;
    save();
  }, abort);

  console.log(`seed ${seed}; ${runs.length} runs; report folder ${outDir}`);
  // The progress line redraws itself, so only a person at a terminal gets it (as with colours).
  const line = interactive() ? new ProgressLine() : undefined;
  let runIndex = 0;
  let violationsSoFar = 0;
  if (line)
    settings.onProgress = (progress) =>
      line.draw(formatProgress(progress, { index: runIndex, total: runs.length, violationsSoFar }));
  let exitCode: number = ExitCode.ok;
  const byScenario = new Map<string, RunResult[]>();
  try {
    await runSuite(runs, pool, settings, {
      onRunStart: (run, index, total) => {
        runIndex = index;
        line?.draw(`[${index + 1}/${total}] ${run.scenario.name} / ${run.variant} starting`);
      },
      onRunDone: (result) => {
        line?.clear();
        violationsSoFar += violationCount(result);
        results.runs.push(result);
        save();
        const group = byScenario.get(result.scenario) ?? [];
        group.push(result);
        byScenario.set(result.scenario, group);
        const expected = runs.filter((r) => r.scenario.name === result.scenario).length;
        if (group.length === expected) console.log(`\n${formatScenario(group, style)}`);
      },
    });
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    results.error = error.message;
    exitCode = error.exitCode;
  } finally {
    line?.clear();
    results.servers = await pool.describe();
    await pool.stopAll();
    stopHandlingInterrupts();
  }
  // Scenarios cut short by an interrupt still get their table.
  for (const group of byScenario.values()) {
    const expected = runs.filter((r) => r.scenario.name === group[0]!.scenario).length;
    if (group.length < expected) console.log(`\n${formatScenario(group, style)}`);
  }

  results.passed =
    !results.error &&
    !results.interrupted &&
    results.runs.length === runs.length &&
    results.runs.every((r) => r.passed);
  if (exitCode === ExitCode.ok)
    exitCode = results.interrupted
      ? ExitCode.interrupted
      : !results.passed
        ? ExitCode.checksFailed
        : results.runs.some(anyThresholdFailed)
          ? ExitCode.thresholdFailed
          : ExitCode.ok;
  results.exitCode = exitCode;
  results.finishedAt = new Date().toISOString();
  const path = save();
  const reports = (await writeReports(outDir, results, style)).lines;

  console.log('');
  if (results.error) console.error(style.red(`error: ${results.error}`));
  console.log(formatSummary(results.runs, style));
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
  if (options.baseline) {
    const gated = gate(results, options);
    if (exitCode === ExitCode.ok) exitCode = gated;
  }
  return exitCode;
}
