/** `sweep`: one scenario over a grid of workers x rates, written as sweep.json and a plot. */
import { join } from 'node:path';
import { writeHtmlReport } from '../../reports/html/render.ts';
import type { SweepView } from '../../reports/html/report-data.ts';
import type { ChaosConfig } from '../config/config.ts';
import { type Registry, selectRuns } from '../config/registry.ts';
import { ExitCode, UsageError } from '../core/errors.ts';
import { writeJsonFile } from '../core/json-file.ts';
import type { RunSettings } from '../core/run-settings.ts';
import { runSweep } from '../core/sweep.ts';
import { newResults, onInterrupt, outDirOf, seedOf, serverPoolOf } from './common.ts';
import { runEnvironment } from './environment.ts';
import { chaosCommand } from './invocation.ts';
import type { SweepOptions } from './options.ts';

/** sweep.json: the grid's points so far; `interrupted` once a Ctrl-C cut it short, `finishedAt` once it ended. */
interface SweepRecord extends SweepView {
  startedAt: string;
  finishedAt?: string;
}

export async function sweepCommand(
  options: SweepOptions,
  config: ChaosConfig,
  registry: Registry,
): Promise<number> {
  if (options.scenarios?.length !== 1) throw new UsageError('sweep needs exactly one --scenario');
  // By default the first variant that must hold (`correct` for the built-in targets, `as-is` for a user's).
  const [run] = selectRuns(registry, {
    scenarios: options.scenarios,
    ...(options.variants ? { variants: options.variants } : {}),
  }).filter((r) => options.variants || !r.target.variants[r.variant]!.broken);
  if (!run) throw new UsageError('sweep: no such scenario/variant');
  if (run.scenario.passes)
    throw new UsageError(
      `sweep: ${run.scenario.name} runs as a series of passes already; sweep a plain scenario`,
    );
  const grid = { workers: options.sweepWorkers ?? [1, 2, 4, 8], rates: options.sweepRates ?? [0] };
  const seed = seedOf(options, config);
  const outDir = outDirOf(options, 'sweep-', { keep: config.run?.keep });
  const durationMs = options.durationMs ?? 1000;
  const abort = new AbortController();
  const settings: RunSettings = { seed, outDir, durationMs, signal: abort.signal };
  const pool = serverPoolOf(options, config);
  // Rewritten after every point, so an interrupted or crashed sweep keeps the points it finished.
  const file = join(outDir, 'sweep.json');
  const sweep: SweepRecord = {
    scenario: run.scenario.name,
    variant: run.variant,
    seed,
    durationMs,
    startedAt: new Date().toISOString(),
    points: [],
  };
  // Whether it was interrupted is the abort signal's, read when writing.
  const save = () => writeJsonFile(file, { ...sweep, interrupted: abort.signal.aborted });
  const stopHandlingInterrupts = onInterrupt(save, abort);
  console.log(
    `sweep ${run.scenario.name} / ${run.variant}: workers ${grid.workers.join(',')} x rates ${grid.rates.join(',')} (ops/s per worker, 0 = closed loop), seed ${seed}`,
  );
  console.log('workers  rate  operations  conflicts  ok/s      p99 ms  verdict');
  try {
    await runSweep(run.scenario, run.target, run.variant, runEnvironment(pool), settings, grid, (p) => {
      sweep.points.push(p);
      save();
      console.log(
        `${String(p.workers).padEnd(9)}${String(p.rate).padEnd(6)}${String(p.operations).padEnd(12)}${`${(p.conflictRate * 100).toFixed(1)}%`.padEnd(11)}${p.throughput.toFixed(0).padEnd(10)}${p.p99.toFixed(2).padEnd(8)}${p.verdict}`,
      );
    });
  } finally {
    await pool.stopAll();
    stopHandlingInterrupts();
  }
  sweep.finishedAt = new Date().toISOString();
  console.log(`sweep: ${save()}`);
  const expected = run.target.variants[run.variant]!.broken ? 'invalid' : 'valid';
  const exitCode = abort.signal.aborted
    ? ExitCode.interrupted
    : sweep.points.every((p) => p.verdict === expected)
      ? ExitCode.ok
      : ExitCode.checksFailed;
  const html = writeHtmlReport(join(outDir, 'sweep.html'), {
    title: `Contention sweep: ${run.scenario.name} / ${run.variant}`,
    generatedAt: new Date().toISOString(),
    suite: {
      ...newResults(
        seed,
        `${chaosCommand()} sweep --scenario ${run.scenario.name} --variant ${run.variant} --workers ${grid.workers.join(',')} --rates ${grid.rates.join(',')} --duration ${durationMs}ms --seed ${seed}`,
      ),
      passed: exitCode === ExitCode.ok,
      exitCode,
    },
    runs: [],
    sweep,
  });
  console.log(`sweep plot: ${html}`);
  return exitCode;
}
