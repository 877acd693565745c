/**
 * `npm run chaos [command] [options]`: the command line. Parses arguments,
 * loads the config, runs the selected scenarios, prints and writes results,
 * and turns them into an exit code (see README.md).
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { httpInterfaceOf, k6ScriptFor } from '../load/drive-load.ts';
import type { LoadEngine } from '../load/load-result.ts';
import { PROBES } from '../properties/isolation/probes.ts';
import { formatIsolationTable, runIsolationProbes } from '../properties/isolation/run-probes.ts';
import { type PropertyResult, parseReplay, runProperty } from '../properties/property-run.ts';
import { compareRuns, DEFAULT_TOLERANCES, formatGate, type GateTolerances } from '../reports/gate.ts';
import { reportPath, writeHtmlReport } from '../reports/html/render.ts';
import { buildReportData } from '../reports/html/report-data.ts';
import { toJUnit } from '../reports/junit.ts';
import { appendStepSummary, toMarkdown } from '../reports/markdown.ts';
import { formatProgress, ProgressLine, wantsProgressLine } from '../reports/progress.ts';
import { RESULTS_SCHEMA_VERSION, type SuiteResults, writeResults } from '../reports/results-json.ts';
import {
  chooseStyle,
  formatScenario,
  formatSummary,
  type Style,
  statusOf,
  violationCount,
} from '../reports/terminal.ts';
import { type ChaosConfig, loadConfig } from './config.ts';
import { parseDuration } from './duration.ts';
import { EnvironmentError, ExitCode, exitCodeOf, UsageError } from './errors.ts';
import { errorMessage } from './outcomes.ts';
import type { ProviderPreference } from './providers/select.ts';
import { redact } from './redact.ts';
import { buildRegistry, type Registry, selectRuns } from './registry.ts';
import { anyThresholdFailed, thresholdResultsOf } from './run-thresholds.ts';
import type { RunResult, RunSettings } from './runner.ts';
import { DEFAULT_TIMEOUT_MS, resolveLoad, resolveWorkload } from './runner.ts';
import { ServerPool } from './server-pool.ts';
import { runSuite } from './suite.ts';
import { runSweep, type SweepPoint } from './sweep.ts';
import { type Thresholds, validateThresholds } from './thresholds.ts';

const USAGE = `usage: npm run chaos -- [run|list|sweep|k6|property|isolation|report|gate] [options]

commands:
  run (default)        run scenarios; with no options, the whole default suite
  list                 show scenarios, targets and variants
  sweep                contention sweep of one scenario: --workers 1,2,4,8 --rates 0,50,200
                       (per-worker operations per second; 0 = closed loop); writes sweep.json, sweep.html
  k6 export SCENARIO   write the HTTP load scenario as a self-contained k6 script (--out FILE)
  k6 run SCENARIO      run it with the k6 binary against the target's services, check the
                       invariants after; --segments N runs N k6 instances (execution segments)
  property TARGET      property-based test: generated clients, operations and statement schedules on
                       the real database; a failure is shrunk and printed per client (--variant,
                       --runs N (100), --seed N; --replay SEED:PATH reproduces a printed counterexample)
  isolation            probe G0, G1a, G1b, G1c, OTV, PMP, P4, G-single, G2-item and G2 at every
                       isolation level of Postgres and MariaDB; prints the table, writes results.json
  report [DIR]         rebuild report.html, junit.xml and summary.md from a run folder
  gate --baseline B [DIR]
                       compare a run (folder or results.json; default .) with a baseline results.json:
                       broken variants no longer caught, new violations, throughput drop beyond
                       --max-throughput-drop (0.2), p99 rise beyond --max-p99-rise (0.5); exit 1

options:
  --scenario NAME      run only this scenario (repeat or comma-separate for more)
  --target NAME        run only scenarios of this target
  --variant NAME       run only this variant (e.g. correct)
  --workers N          workers per scenario
  --duration D         how long each scenario runs (500ms, 3s, 1m)
  --seed N             seed for the operation plan (printed on every run)
  --provider P         auto | url | process | container   (default auto)
  --out DIR            report folder (default chaos-report/<timestamp>)
  --config FILE        config file (default ./chaos.config.ts if present)
  --time-scale X       timing-grid: multiply rates, offsets and window by X
  --window D           timing-grid: how long each point runs, in article time
  --timeout D          per-operation deadline; a call still running is recorded as info (default 5s)
  --no-co-correction   measure paced operations from when they started, not when they were meant to
  --rate N             open model: N operations (HTTP load: requests) per second over all workers
  --threshold M=EXPR   load threshold in k6's syntax, e.g. latency=p(99)<500 (repeatable);
                       metrics: latency, failed_requests, checks, requests; a failed one exits 99
  --segments N         k6 run: N k6 instances, each with its --execution-segment
  --baseline FILE      run: after the run, gate it against this results.json (exit 1 on a regression)
  -h, --help           this text`;

interface CliOptions {
  command: 'run' | 'list' | 'sweep' | 'k6-export' | 'report' | 'gate' | 'property' | 'isolation' | 'help';
  /** `property TARGET`: the target, fast-check runs, and a counterexample to replay. */
  propertyTarget?: string;
  propertyRuns?: number;
  replay?: { seed: number; path: string };
  /** Compare with this results.json (gate, or run --baseline). */
  baseline?: string;
  tolerances?: Partial<GateTolerances>;
  /** `report DIR`: the run folder (or its results.json). */
  reportDir?: string;
  /** `k6 run`: load scenarios run on k6. */
  engine?: LoadEngine;
  ratePerSecond?: number;
  segments?: number;
  thresholds?: Thresholds;
  /** sweep: worker counts and per-worker rates of the grid. */
  sweepWorkers?: number[];
  sweepRates?: number[];
  scenarios?: string[];
  targets?: string[];
  variants?: string[];
  workers?: number;
  durationMs?: number;
  seed?: number;
  provider?: ProviderPreference;
  out?: string;
  config?: string;
  timeScale?: number;
  windowMs?: number;
  timeoutMs?: number;
  correctCoordinatedOmission?: boolean;
}

const PROVIDERS = ['auto', 'url', 'process', 'container'] as const;

function positiveInteger(text: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag}: expected a whole number >= ${min}, got "${text}"`);
  }
  return Number(text);
}

export function parseCli(argv: string[]): CliOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        scenario: { type: 'string', multiple: true },
        target: { type: 'string', multiple: true },
        variant: { type: 'string', multiple: true },
        workers: { type: 'string' },
        rates: { type: 'string' },
        duration: { type: 'string' },
        seed: { type: 'string' },
        provider: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        'time-scale': { type: 'string' },
        window: { type: 'string' },
        timeout: { type: 'string' },
        'no-co-correction': { type: 'boolean' },
        rate: { type: 'string' },
        threshold: { type: 'string', multiple: true },
        segments: { type: 'string' },
        baseline: { type: 'string' },
        runs: { type: 'string' },
        replay: { type: 'string' },
        'max-throughput-drop': { type: 'string' },
        'max-p99-rise': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const list = (v: unknown) => (v as string[] | undefined)?.flatMap((s) => s.split(',')).filter(Boolean);
  const first = values.help ? 'help' : (positionals[0] ?? 'run');
  let command: CliOptions['command'];
  let scenarios = list(values.scenario);
  let engine: LoadEngine | undefined;
  if (first === 'k6') {
    const [, action, scenario, extra] = positionals;
    if (action !== 'export' && action !== 'run')
      throw new UsageError(`k6: expected "export" or "run", got ${action ? `"${action}"` : 'nothing'}`);
    if (!scenario)
      throw new UsageError(`k6 ${action}: name the scenario, e.g. k6 ${action} saga-orders-load`);
    if (extra) throw new UsageError(`unexpected argument "${extra}"`);
    command = action === 'export' ? 'k6-export' : 'run';
    if (action === 'run') engine = 'k6';
    scenarios = [scenario];
  } else if (first === 'isolation') {
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    command = 'isolation';
  } else if (first === 'property') {
    if (!positionals[1]) throw new UsageError('property: name the target, e.g. property postgres-versioning');
    if (positionals.length > 2) throw new UsageError(`unexpected argument "${positionals[2]}"`);
    command = 'property';
  } else if (first === 'report' || first === 'gate') {
    if (positionals.length > 2) throw new UsageError(`unexpected argument "${positionals[2]}"`);
    command = first;
  } else {
    if (first !== 'run' && first !== 'list' && first !== 'sweep' && first !== 'help')
      throw new UsageError(
        `unknown command "${first}" (commands: run, list, sweep, k6, report, gate, property, isolation)`,
      );
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    command = first;
  }

  const options: CliOptions = { command };
  if ((command === 'report' || command === 'gate') && positionals[1]) options.reportDir = positionals[1];
  if (values.baseline !== undefined) options.baseline = values.baseline as string;
  if (command === 'property') {
    options.propertyTarget = positionals[1]!;
    if (values.runs !== undefined) options.propertyRuns = positiveInteger(values.runs as string, '--runs');
    if (values.replay !== undefined) {
      try {
        options.replay = parseReplay(values.replay as string);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
  } else if (values.runs !== undefined || values.replay !== undefined) {
    throw new UsageError('--runs and --replay belong to the property command');
  }
  if (command === 'gate' && !options.baseline)
    throw new UsageError('gate needs --baseline FILE (a results.json to compare with)');
  const fraction = (flag: string, text: unknown) => {
    const x = Number(text);
    if (!(x >= 0) || !Number.isFinite(x))
      throw new UsageError(`${flag}: expected a fraction such as 0.2, got "${text}"`);
    return x;
  };
  if (values['max-throughput-drop'] !== undefined)
    options.tolerances = {
      ...options.tolerances,
      throughputDrop: fraction('--max-throughput-drop', values['max-throughput-drop']),
    };
  if (values['max-p99-rise'] !== undefined)
    options.tolerances = {
      ...options.tolerances,
      p99Rise: fraction('--max-p99-rise', values['max-p99-rise']),
    };
  if (engine) options.engine = engine;
  const targets = list(values.target);
  const variants = list(values.variant);
  if (scenarios) options.scenarios = scenarios;
  if (targets) options.targets = targets;
  if (variants) options.variants = variants;
  if (values.workers !== undefined && command === 'sweep') {
    options.sweepWorkers = (values.workers as string)
      .split(',')
      .map((w) => positiveInteger(w.trim(), '--workers'));
  } else if (values.workers !== undefined) {
    options.workers = positiveInteger(values.workers as string, '--workers');
  }
  if (values.rates !== undefined) {
    if (command !== 'sweep') throw new UsageError('--rates belongs to the sweep command');
    options.sweepRates = (values.rates as string)
      .split(',')
      .map((r) => positiveInteger(r.trim(), '--rates', 0));
  }
  if (values.duration !== undefined)
    options.durationMs = parseDuration(values.duration as string, '--duration');
  if (values.seed !== undefined) options.seed = positiveInteger(values.seed as string, '--seed', 0);
  if (values.provider !== undefined) {
    const provider = values.provider as string;
    if (!(PROVIDERS as readonly string[]).includes(provider))
      throw new UsageError(`--provider: expected one of ${PROVIDERS.join(', ')}, got "${provider}"`);
    options.provider = provider as ProviderPreference;
  }
  if (values.out !== undefined) options.out = values.out as string;
  if (values.config !== undefined) options.config = values.config as string;
  if (values['time-scale'] !== undefined) {
    const scale = Number(values['time-scale']);
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new UsageError(`--time-scale: expected a positive number, got "${values['time-scale']}"`);
    options.timeScale = scale;
  }
  if (values.window !== undefined) options.windowMs = parseDuration(values.window as string, '--window');
  if (values['no-co-correction']) options.correctCoordinatedOmission = false;
  if (values.rate !== undefined) {
    const rate = Number(values.rate);
    if (!(rate > 0) || !Number.isFinite(rate))
      throw new UsageError(
        `--rate: expected a positive number of operations per second, got "${values.rate}"`,
      );
    if (command === 'sweep') throw new UsageError('sweep takes per-worker --rates, not --rate');
    options.ratePerSecond = rate;
  }
  if (values.segments !== undefined) {
    if (!engine) throw new UsageError('--segments belongs to `k6 run`');
    options.segments = positiveInteger(values.segments as string, '--segments');
  }
  if (values.threshold !== undefined) {
    const thresholds: Thresholds = {};
    for (const text of values.threshold as string[]) {
      const at = text.indexOf('=');
      if (at <= 0)
        throw new UsageError(
          `--threshold: expected METRIC=EXPRESSION, e.g. latency=p(99)<500, got "${text}"`,
        );
      const metric = text.slice(0, at).trim();
      thresholds[metric] = [...(thresholds[metric] ?? []), text.slice(at + 1).trim()];
    }
    validateThresholds(thresholds);
    options.thresholds = thresholds;
  }
  if (values.timeout !== undefined) {
    options.timeoutMs = parseDuration(values.timeout as string, '--timeout');
    if (options.timeoutMs <= 0) throw new UsageError('--timeout: expected a positive duration');
  }
  return options;
}

function formatList(registry: Registry): string {
  const lines = ['scenarios:'];
  for (const s of registry.scenarios.values())
    lines.push(`  ${s.name.padEnd(24)} target ${s.target}: ${s.description}`);
  lines.push('', 'targets and variants:');
  for (const t of registry.targets.values()) {
    lines.push(`  ${t.name.padEnd(24)} ${t.database}: ${t.description}`);
    for (const [name, v] of Object.entries(t.variants))
      lines.push(`    ${(v.broken ? '[broken] ' : '[correct] ') + name}: ${v.description}`);
  }
  return lines.join('\n');
}

function toolVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The start of every results file a command writes; the command fills in runs and outcome. */
function newResults(seed: number, replay: string): SuiteResults {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'concurrency-chaos-harness', version: toolVersion() },
    startedAt: new Date().toISOString(),
    seed,
    replay,
    servers: [],
    interrupted: false,
    passed: false,
    runs: [],
  };
}

function replayCommand(options: CliOptions, seed: number): string {
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

async function runCommand(options: CliOptions, config: ChaosConfig, registry: Registry): Promise<number> {
  const style = chooseStyle();
  const runs = selectRuns(registry, {
    ...(options.scenarios ? { scenarios: options.scenarios } : {}),
    ...(options.targets ? { targets: options.targets } : {}),
    ...(options.variants ? { variants: options.variants } : {}),
  });
  const seed = options.seed ?? config.run?.seed ?? randomInt(0, 2 ** 31);
  const outDir = resolve(
    options.out ?? config.run?.out ?? join('chaos-report', new Date().toISOString().replace(/[:.]/g, '-')),
  );
  const configDuration = config.run?.duration === undefined ? undefined : parseDuration(config.run.duration);
  const abort = new AbortController();
  const settings: RunSettings = { seed, outDir, signal: abort.signal };
  const workers = options.workers ?? config.run?.workers;
  const durationMs = options.durationMs ?? configDuration;
  const timeScale = options.timeScale ?? config.run?.timeScale;
  if (workers !== undefined) settings.workers = workers;
  if (durationMs !== undefined) settings.durationMs = durationMs;
  if (timeScale !== undefined) settings.timeScale = timeScale;
  if (options.windowMs !== undefined) settings.windowMs = options.windowMs;
  if (options.timeoutMs !== undefined) settings.timeoutMs = options.timeoutMs;
  if (options.correctCoordinatedOmission === false) settings.correctCoordinatedOmission = false;
  if (options.ratePerSecond !== undefined) settings.ratePerSecond = options.ratePerSecond;
  if (options.engine) settings.engine = options.engine;
  if (options.segments !== undefined) settings.segments = options.segments;
  if (options.thresholds) settings.thresholds = options.thresholds;
  if (config.thresholds) settings.runThresholds = config.thresholds;
  // A scenario the engine cannot run is a usage error before any server starts.
  for (const run of runs) resolveLoad(run.scenario, settings);

  const urls: Partial<Record<'mariadb' | 'postgres', string>> = {};
  if (config.providers?.mariadb?.url) urls.mariadb = config.providers.mariadb.url;
  if (config.providers?.postgres?.url) urls.postgres = config.providers.postgres.url;
  const pool = new ServerPool({ preference: options.provider ?? config.providers?.default ?? 'auto', urls });

  const results = newResults(seed, replayCommand(options, seed));
  const save = () => writeResults(outDir, results);

  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    results.interrupted = true;
    if (interrupts === 1) {
      process.stderr.write(
        '\ninterrupted: finishing the current run, writing results, stopping servers (Ctrl-C again to stop now)\n',
      );
      abort.abort();
    } else {
      results.exitCode = ExitCode.interrupted;
      save();
      process.exit(ExitCode.interrupted); // the exit hook kills the servers we started
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  console.log(`seed ${seed}; ${runs.length} runs; report folder ${outDir}`);
  const line = wantsProgressLine() ? new ProgressLine() : undefined;
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
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
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
  const reports = await writeReports(outDir, results, style);

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
    // k6 can fail a threshold of its own script that the harness did not set.
    if (r.load?.exitCode === ExitCode.thresholdFailed && thresholdResultsOf(r).every((t) => t.passed))
      console.log(
        style.red(`k6 reported a failed threshold in ${r.scenario} (exit ${ExitCode.thresholdFailed})`),
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

/** The HTML report beside results.json. A failure here never loses the results already written. */
async function writeReports(outDir: string, results: SuiteResults, style: Style): Promise<string[]> {
  try {
    const html = writeHtmlReport(reportPath(outDir), await buildReportData(results));
    const junit = join(outDir, 'junit.xml');
    writeFileSync(junit, toJUnit(results));
    const markdown = toMarkdown(results);
    writeFileSync(join(outDir, 'summary.md'), markdown);
    const summary = appendStepSummary(markdown);
    return [`report:  ${html}`, `junit:   ${junit}`, ...(summary ? [`summary: appended to ${summary}`] : [])];
  } catch (error) {
    return [
      style.red(`report: could not be written (${redact(errorMessage(error))}); results.json is complete`),
    ];
  }
}

/** A results.json by its path or its run folder's. */
function readResultsFile(path: string, what: string): { file: string; results: SuiteResults } {
  const resolved = resolve(path);
  const file = resolved.endsWith('.json') ? resolved : join(resolved, 'results.json');
  let results: SuiteResults;
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as SuiteResults;
  } catch (error) {
    throw new UsageError(`${what}: cannot read ${file}: ${errorMessage(error)}`);
  }
  if (results.schemaVersion !== RESULTS_SCHEMA_VERSION || !Array.isArray(results.runs))
    throw new UsageError(
      `${what}: ${file} is not a results.json of schema version ${RESULTS_SCHEMA_VERSION} (found ${String(results.schemaVersion)})`,
    );
  return { file, results };
}

/** Compare a run with the baseline; prints what regressed. */
function gate(current: SuiteResults, options: CliOptions): number {
  const { results: baseline } = readResultsFile(options.baseline!, 'gate --baseline');
  const regressions = compareRuns(baseline, current, { ...DEFAULT_TOLERANCES, ...options.tolerances });
  console.log(formatGate(regressions, baseline.runs.length));
  return regressions.length > 0 ? ExitCode.checksFailed : ExitCode.ok;
}

/** `gate --baseline B [DIR]`: a finished run (default: the current folder's) against the baseline. */
function gateCommand(options: CliOptions): number {
  return gate(readResultsFile(options.reportDir ?? '.', 'gate').results, options);
}

/** `report [DIR]`: (re)build the reports of a finished run from its results.json and histories. */
async function reportCommand(options: CliOptions): Promise<number> {
  const { file, results } = readResultsFile(options.reportDir ?? options.out ?? '.', 'report');
  for (const line of await writeReports(dirname(file), results, chooseStyle())) console.log(line);
  return ExitCode.ok;
}

async function sweepCommand(options: CliOptions, config: ChaosConfig, registry: Registry): Promise<number> {
  if (options.scenarios?.length !== 1) throw new UsageError('sweep needs exactly one --scenario');
  const [run] = selectRuns(registry, {
    scenarios: options.scenarios,
    variants: options.variants ?? ['correct'],
  });
  if (!run) throw new UsageError('sweep: no such scenario/variant');
  if (run.scenario.timingGrid)
    throw new UsageError(`sweep: ${run.scenario.name} is a timing grid already; sweep a plain scenario`);
  const grid = { workers: options.sweepWorkers ?? [1, 2, 4, 8], rates: options.sweepRates ?? [0] };
  const seed = options.seed ?? config.run?.seed ?? randomInt(0, 2 ** 31);
  const outDir = resolve(
    options.out ?? join('chaos-report', `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  );
  const settings: RunSettings = { seed, outDir, durationMs: options.durationMs ?? 1000 };
  const pool = new ServerPool({
    preference: options.provider ?? config.providers?.default ?? 'auto',
    urls: {},
  });
  console.log(
    `sweep ${run.scenario.name} / ${run.variant}: workers ${grid.workers.join(',')} x rates ${grid.rates.join(',')} (ops/s per worker, 0 = closed loop), seed ${seed}`,
  );
  console.log('workers  rate  operations  conflicts  ok/s      p99 ms  verdict');
  let points: SweepPoint[];
  try {
    points = await runSweep(run.scenario, run.target, run.variant, pool, settings, grid, (p) =>
      console.log(
        `${String(p.workers).padEnd(9)}${String(p.rate).padEnd(6)}${String(p.operations).padEnd(12)}${`${(p.conflictRate * 100).toFixed(1)}%`.padEnd(11)}${p.throughput.toFixed(0).padEnd(10)}${p.p99.toFixed(2).padEnd(8)}${p.verdict}`,
      ),
    );
  } finally {
    await pool.stopAll();
  }
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'sweep.json');
  writeFileSync(
    file,
    `${JSON.stringify({ scenario: run.scenario.name, variant: run.variant, seed, durationMs: settings.durationMs, points }, null, 2)}\n`,
  );
  console.log(`sweep: ${file}`);
  const expected = run.target.variants[run.variant]!.broken ? 'invalid' : 'valid';
  const exitCode = points.every((p) => p.verdict === expected) ? ExitCode.ok : ExitCode.checksFailed;
  const html = writeHtmlReport(join(outDir, 'sweep.html'), {
    title: `Contention sweep: ${run.scenario.name} / ${run.variant}`,
    generatedAt: new Date().toISOString(),
    suite: {
      ...newResults(
        seed,
        `npm run chaos -- sweep --scenario ${run.scenario.name} --variant ${run.variant} --workers ${grid.workers.join(',')} --rates ${grid.rates.join(',')} --duration ${settings.durationMs}ms --seed ${seed}`,
      ),
      passed: exitCode === ExitCode.ok,
      exitCode,
    },
    runs: [],
    sweep: {
      scenario: run.scenario.name,
      variant: run.variant,
      seed,
      durationMs: settings.durationMs ?? 0,
      points,
    },
  });
  console.log(`sweep plot: ${html}`);
  return exitCode;
}

/** `isolation`: which anomalies each isolation level of Postgres and MariaDB prevents, probed for real. */
async function isolationCommand(options: CliOptions, config: ChaosConfig): Promise<number> {
  const outDir = resolve(
    options.out ?? join('chaos-report', `isolation-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  );
  const pool = new ServerPool({
    preference: options.provider ?? config.providers?.default ?? 'auto',
    urls: {},
  });
  const results: SuiteResults = {
    ...newResults(0, 'npm run chaos -- isolation'),
    passed: true,
    isolation: [],
  };
  try {
    console.log(`isolation probes: ${PROBES.map((p) => p.name).join(', ')}`);
    results.isolation = await runIsolationProbes(['postgres', 'mariadb'], pool, (r) =>
      process.stdout.write(`  ${r.database} ${r.level} ${r.probe}: ${r.verdict} (${r.detail})\n`),
    );
    results.servers = await pool.describe();
  } finally {
    await pool.stopAll();
  }
  results.finishedAt = new Date().toISOString();
  results.exitCode = ExitCode.ok;
  console.log(`\n${formatIsolationTable(results.isolation ?? [])}`);
  console.log(`results: ${writeResults(outDir, results)}`);
  return ExitCode.ok;
}

/** `property TARGET`: generated schedules on the real database, shrunk counterexamples, replayable. */
async function propertyCommand(
  options: CliOptions,
  config: ChaosConfig,
  registry: Registry,
): Promise<number> {
  const target = registry.targets.get(options.propertyTarget!);
  if (!target)
    throw new UsageError(
      `property: unknown target "${options.propertyTarget}" (targets: ${[...registry.targets.keys()].join(', ')})`,
    );
  if (target.http)
    throw new UsageError(
      `property: ${target.name} is driven over HTTP; properties interleave SQL statements`,
    );
  const variants = options.variants ?? Object.keys(target.variants);
  for (const v of variants)
    if (!target.variants[v]) throw new UsageError(`property: ${target.name} has no variant "${v}"`);
  if (options.replay && variants.length !== 1) throw new UsageError('--replay needs one --variant');
  const seed = options.seed ?? config.run?.seed ?? randomInt(0, 2 ** 31);
  const outDir = resolve(
    options.out ?? join('chaos-report', `property-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  );
  const pool = new ServerPool({
    preference: options.provider ?? config.providers?.default ?? 'auto',
    urls: {},
  });
  const results: PropertyResult[] = [];
  try {
    for (const variant of variants) {
      const result = await runProperty(target, variant, pool, {
        runs: options.propertyRuns ?? 100,
        seed,
        ...(options.replay ? { replay: options.replay } : {}),
      });
      results.push(result);
      const verdict = result.held ? 'held' : 'failed';
      console.log(
        `${target.name} / ${variant}: property ${verdict} after ${result.runs} runs (seed ${result.seed}) ${statusOf(result)}`,
      );
      if (result.text) {
        console.log(result.text);
        console.log(
          `replay: npm run chaos -- property ${target.name} --variant ${variant} --replay ${result.seed}:${result.path}`,
        );
      }
    }
  } finally {
    await pool.stopAll();
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'property.json'), `${JSON.stringify({ seed, results }, null, 2)}\n`);
  const passed = results.every((r) => r.passed);
  const html = writeHtmlReport(reportPath(outDir), {
    title: `Properties: ${target.name}`,
    generatedAt: new Date().toISOString(),
    suite: {
      ...newResults(seed, `npm run chaos -- property ${target.name} --seed ${seed}`),
      passed,
      exitCode: passed ? ExitCode.ok : ExitCode.checksFailed,
    },
    runs: [],
    properties: results,
  });
  console.log(`results: ${join(outDir, 'property.json')}\nreport:  ${html}`);
  return passed ? ExitCode.ok : ExitCode.checksFailed;
}

/** `k6 export SCENARIO`: the scenario's load as a k6 script, runnable without the harness. */
function k6ExportCommand(options: CliOptions, config: ChaosConfig, registry: Registry): number {
  const name = options.scenarios![0]!;
  const scenario = registry.scenarios.get(name);
  if (!scenario) throw new UsageError(`unknown scenario "${name}" (see \`chaos list\`)`);
  const target = registry.targets.get(scenario.target)!;
  const settings: RunSettings = { seed: options.seed ?? config.run?.seed ?? 1, outDir: '.', engine: 'k6' };
  if (options.workers !== undefined) settings.workers = options.workers;
  if (options.durationMs !== undefined) settings.durationMs = options.durationMs;
  if (options.ratePerSecond !== undefined) settings.ratePerSecond = options.ratePerSecond;
  if (options.thresholds) settings.thresholds = options.thresholds;
  const load = resolveLoad(scenario, settings)!;
  const file = resolve(options.out ?? join('chaos-report', 'k6', `${name}.k6.ts`));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    k6ScriptFor({
      scenario: name,
      http: httpInterfaceOf(target, name),
      load,
      spec: resolveWorkload(scenario, settings),
      timeoutMs: options.timeoutMs ?? scenario.workload.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      baseUrl: 'http://127.0.0.1:8080',
    }),
  );
  console.log(`k6 script: ${file}`);
  console.log(`run it against a running service: BASE_URL=http://127.0.0.1:PORT k6 run ${file}`);
  return ExitCode.ok;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const options = parseCli(argv);
    if (options.command === 'help') {
      console.log(USAGE);
      return ExitCode.ok;
    }
    const { config } = await loadConfig(options.config);
    const registry = buildRegistry(config);
    if (options.command === 'list') {
      console.log(formatList(registry));
      return ExitCode.ok;
    }
    if (options.command === 'sweep') return await sweepCommand(options, config, registry);
    if (options.command === 'k6-export') return k6ExportCommand(options, config, registry);
    if (options.command === 'report') return await reportCommand(options);
    if (options.command === 'gate') return gateCommand(options);
    if (options.command === 'property') return await propertyCommand(options, config, registry);
    if (options.command === 'isolation') return await isolationCommand(options, config);
    return await runCommand(options, config, registry);
  } catch (error) {
    const code = exitCodeOf(error);
    if (error instanceof UsageError)
      console.error(`error: ${redact(error.message)}\n\n${USAGE.split('\n')[0]} (see --help)`);
    else if (error instanceof EnvironmentError) console.error(`error: ${redact(error.message)}`);
    else console.error(redact(error instanceof Error ? (error.stack ?? error.message) : String(error)));
    return code;
  }
}

// Run when executed directly (npm run chaos), not when imported by tests.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
