/** What several commands share: the start of a results file, the reports, the seed, output folder, run settings and servers. */
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportPath, writeHtmlReport } from '../../reports/html/render.ts';
import { buildReportData } from '../../reports/html/report-data.ts';
import { toJUnit } from '../../reports/junit.ts';
import { appendStepSummary, toMarkdown } from '../../reports/markdown.ts';
import type { Style } from '../../reports/terminal.ts';
import type { ChaosConfig } from '../config/config.ts';
import type { DatabaseKind } from '../core/database.ts';
import { parseDuration } from '../core/duration.ts';
import { ExitCode, shown, UsageError } from '../core/errors.ts';
import { safeFileName } from '../core/file-names.ts';
import { errorMessage } from '../core/outcomes.ts';
import { redact } from '../core/redact.ts';
import { RESULTS_SCHEMA_VERSION, type SuiteResults } from '../core/results.ts';
import type { RunSettings } from '../core/run-settings.ts';
import { ServerPool } from '../providers/server-pool.ts';
import type { CliOptions } from './commands.ts';
import { reapAndReport } from './leftovers.ts';
import { claimOutFolder, DEFAULT_KEEP, retainRuns } from './run-folders.ts';

const TOOL_NAME = 'concurrency-chaos-harness';

/**
 * The harness's own version, from its package.json: the nearest one up from
 * this module that names the harness (the repository's, or the installed
 * package's, whose dist/ holds the compiled module one level deeper).
 */
function toolVersion(): string {
  try {
    for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      if (json.name === TOOL_NAME) return json.version;
    }
  } catch {}
  return 'unknown';
}

/** The start of every results file a command writes; the command fills in runs and outcome. */
export function newResults(seed: number, replay: string): SuiteResults {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: toolVersion() },
    startedAt: new Date().toISOString(),
    seed,
    replay,
    servers: [],
    interrupted: false,
    passed: false,
    runs: [],
  };
}

/**
 * The HTML report, junit.xml and summary.md beside results.json: the lines
 * that say where, and whether all were written. A failure here never loses
 * the results already written.
 */
export async function writeReports(
  outDir: string,
  results: SuiteResults,
  style: Style,
): Promise<{ lines: string[]; written: boolean }> {
  try {
    const html = writeHtmlReport(reportPath(outDir), await buildReportData(results));
    const junit = join(outDir, 'junit.xml');
    writeFileSync(junit, toJUnit(results));
    const markdown = toMarkdown(results);
    writeFileSync(join(outDir, 'summary.md'), markdown);
    const summary = appendStepSummary(markdown);
    const lines = [
      `report:  ${html}`,
      `junit:   ${junit}`,
      ...(summary ? [`summary: appended to ${summary}`] : []),
    ];
    return { lines, written: true };
  } catch (error) {
    const why = redact(errorMessage(error));
    return {
      lines: [style.red(`report: could not be written (${why}); results.json is complete`)],
      written: false,
    };
  }
}

/** The run's seed: the flag's, else the config's, else a fresh one (printed with every run, for replays). */
export function seedOf(options: CliOptions, config: ChaosConfig): number {
  return options.seed ?? config.run?.seed ?? randomInt(0, 2 ** 31);
}

/**
 * The output folder: --out, else the configured one (either refused when it
 * holds a run, unless --overwrite), else chaos-report/<prefix><timestamp>,
 * which joins the last --keep runs there (run-folders.ts); made, and proved
 * writable, before any server starts.
 */
export function outDirOf(
  options: CliOptions,
  prefix: string,
  configured?: { out?: string | undefined; keep?: number | undefined; retain?: boolean },
): string {
  const explicit = options.out ?? configured?.out;
  if (explicit !== undefined) {
    const flag = options.out !== undefined ? '--out' : 'run.out';
    const dir = writableFolder(resolve(explicit), flag);
    claimOutFolder(dir, options.overwrite ?? false, flag);
    return dir;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = `${prefix === '' ? '' : safeFileName(prefix)}${stamp}`;
  const dir = writableFolder(resolve('chaos-report', name));
  if (configured?.retain === false) return dir;
  const { removed } = retainRuns(dirname(dir), name, options.keep ?? configured?.keep ?? DEFAULT_KEEP);
  if (removed.length > 0)
    process.stderr.write(
      `chaos: removed ${removed.length} older run(s) from chaos-report (--keep to change)\n`,
    );
  return dir;
}

/** `dir`, created with its missing parents and written to once, or a UsageError naming it and why. */
export function writableFolder(dir: string, flag = '--out'): string {
  const missing: string[] = [];
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  try {
    if (!statSync(existing).isDirectory()) throw new Error(`${existing} is not a folder`);
    // One level at a time: a recursive mkdir loops forever under /proc (ENOENT, then EEXIST on /proc).
    for (const folder of missing) mkdirSync(folder);
    const probe = join(dir, `.chaos-write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new UsageError(`${flag}: cannot write to ${shown(dir)}: ${errorMessage(error)}`);
  }
  return dir;
}

/** The command's servers: the provider chosen by flag or config, and the database URLs the config names. */
export function serverPoolOf(options: CliOptions, config: ChaosConfig): ServerPool {
  reapAndReport();
  const urls: Partial<Record<DatabaseKind, string>> = {};
  if (config.providers?.mariadb?.url) urls.mariadb = config.providers.mariadb.url;
  if (config.providers?.postgres?.url) urls.postgres = config.providers.postgres.url;
  return new ServerPool({
    preference: options.provider ?? config.providers?.default ?? 'auto',
    urls,
    notice: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
}

/** How scenarios run: the command line's options over the config's `run` section, over `base`. */
export function runSettingsOf(
  options: CliOptions,
  config: ChaosConfig,
  base: Pick<RunSettings, 'seed' | 'outDir'> & Partial<RunSettings>,
): RunSettings {
  const settings: RunSettings = { ...base };
  const configDuration = config.run?.duration === undefined ? undefined : parseDuration(config.run.duration);
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
  return settings;
}

/**
 * One Ctrl-C can reach the harness more than once within milliseconds: from
 * the terminal (the whole foreground process group) and again from a wrapper
 * that relays signals to its child (npm's run-script does, under `npm run
 * chaos`). Signals this close after the first are that same Ctrl-C. (The
 * scripts start Node itself rather than the tsx CLI, which also relays but
 * then SIGKILLs a child that has not exited within a few dozen ms.)
 */
const SAME_INTERRUPT_MS = 300;

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP (its terminal closed) for a command that records as it goes.
 * With `abort`, the first one aborts it: the command finishes its current
 * run, writes what it recorded and stops its servers itself. Otherwise, and
 * on a second one, `saveNow` writes what there is and the process exits 130
 * at once (the servers' exit hook stops them). Returns the function that
 * removes the handlers.
 */
export function onInterrupt(saveNow: () => void, abort?: AbortController): () => void {
  let firstAt: number | undefined;
  const onSignal = () => {
    const now = performance.now();
    if (firstAt !== undefined && now - firstAt < SAME_INTERRUPT_MS) return;
    if (abort && firstAt === undefined) {
      firstAt = now;
      process.stderr.write(
        '\ninterrupted: finishing the current run, writing results, stopping servers (Ctrl-C again to stop now)\n',
      );
      abort.abort();
      return;
    }
    process.stderr.write('\ninterrupted: writing what was recorded, stopping servers\n');
    saveNow();
    process.exit(ExitCode.interrupted);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
