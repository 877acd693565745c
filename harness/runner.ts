/**
 * Runs one scenario against one variant of its target: fresh database,
 * schema, workers, workload, history on disk, final state, checkers, figures.
 * Data flows one way: provider -> workload -> history -> checkers -> result.
 */
import { join } from 'node:path';
import type { Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import { driveLoad } from '../load/drive-load.ts';
import type { LoadEngine, LoadOptions, LoadResult } from '../load/load-result.ts';
import type { CheckResult, Verdict } from './checkers/types.ts';
import { combineVerdicts, runCheckers } from './checkers/types.ts';
import { EnvironmentError, UsageError } from './errors.ts';
import { type FaultWindowResult, summarizeFaultWindows } from './fault-windows.ts';
import { Nemesis } from './faults/nemesis.ts';
import { type FaultWindow, planFaultWindows } from './faults/spec.ts';
import { type FaultRecord, HistoryWriter, loadHistory, type Operation } from './history.ts';
import { errorMessage } from './outcomes.ts';
import { freePort } from './providers/ports.ts';
import { hostPort } from './providers/types.ts';
import { redact } from './redact.ts';
import { evaluateRunThresholds } from './run-thresholds.ts';
import type { ScenarioDefinition, TimingPoint } from './scenarios.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';
import type { ServerPool } from './server-pool.ts';
import { type HistorySummary, summarize } from './stats.ts';
import type { TargetContext, TargetDefinition } from './target.ts';
import type { ThresholdResult, Thresholds } from './thresholds.ts';
import { WorkerClients } from './worker-clients.ts';
import { pacingFor, runWorkload, type WorkloadSpec } from './workload.ts';

export interface RunSettings {
  seed: number;
  outDir: string;
  /** Overrides from the command line, applied to every scenario. */
  workers?: number;
  durationMs?: number;
  timeScale?: number;
  windowMs?: number;
  /** Per-operation deadline (ms), overriding the scenario's. */
  timeoutMs?: number;
  /** Measure paced operations from when they were meant to start (default true). */
  correctCoordinatedOmission?: boolean;
  /**
   * Open model: operations (or requests) per second over all workers, which
   * are paced to it; latency then counts from when each was due.
   */
  ratePerSecond?: number;
  /** Load scenarios: run them on this engine instead of the scenario's own (`chaos k6 run`). */
  engine?: LoadEngine;
  /** k6: instances, each running one execution segment. */
  segments?: number;
  /** Load scenarios: thresholds added to (or replacing, per metric) the scenario's. */
  thresholds?: Thresholds;
  /** Thresholds on every run's own results (violations, latency{op:...}, conflict_rate...), from the config. */
  runThresholds?: Thresholds;
  /** Called a few times a second while a workload runs (the terminal's progress line). */
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

export interface RunProgress {
  scenario: string;
  variant: string;
  elapsedMs: number;
  /** Planned length; absent for runs of an operation count. */
  totalMs?: number;
  operations: number;
  activeFaults: string[];
}

const PROGRESS_INTERVAL_MS = 250;

/** An operation still running after this long is recorded as `info`. */
export const DEFAULT_TIMEOUT_MS = 5000;

export interface TimingPointResult extends TimingPoint {
  scaledRateMs: number;
  scaledOffsetMs: number;
  failuresByWorker: number[];
  /** Whether the observed failures match `expect` (judged for the correct variant only). */
  met: boolean;
}

export interface RunResult {
  scenario: string;
  target: string;
  variant: string;
  broken: boolean;
  /** What the harness must conclude: valid for the correct variant, invalid for a mutant. */
  expected: Verdict;
  verdict: Verdict;
  /** Correct variant held, or mutant was caught. */
  passed: boolean;
  seed: number;
  workload: Omit<WorkloadSpec, 'seed'>;
  summary: HistorySummary;
  checks: CheckResult[];
  timingGrid?: TimingPointResult[];
  /** Load scenarios: what the load engine measured, thresholds judged. */
  load?: LoadResult;
  /** The config's thresholds that apply to this run, judged (absent when none apply). */
  thresholds?: ThresholdResult[];
  /** Each fault window with the operations that overlapped it, by outcome. */
  faultWindows: FaultWindowResult[];
  historyFiles: string[];
  /**
   * When the harness had its first proof of a violation: completion time (ms
   * into the run) of the earliest operation a violation names, or the end of
   * the run for violations of the final state alone. Absent when nothing was found.
   */
  detectedAtMs?: number;
  durationMs: number;
  interrupted: boolean;
  /** Set when the run could not complete (database error during setup, ...). */
  error?: string;
}

export function resolveWorkload(scenario: ScenarioDefinition, settings: RunSettings): WorkloadSpec {
  const w = scenario.workload;
  const spec: WorkloadSpec = {
    workers: settings.workers ?? w.workers ?? 4,
    pacing: w.pacing ?? { kind: 'closed' },
    keys: {
      count: w.keys ?? 10,
      distribution: w.keyDistribution ?? 'uniform',
      hotFraction: w.hotFraction ?? 0.8,
    },
    seed: settings.seed,
  };
  const durationMs = settings.durationMs ?? w.durationMs;
  if (durationMs !== undefined) spec.durationMs = durationMs;
  if (w.opCount !== undefined && settings.durationMs === undefined) spec.opCount = w.opCount;
  if (spec.durationMs === undefined && spec.opCount === undefined) spec.durationMs = 3000;
  // The open model for the workers; a load engine paces its requests itself (see resolveLoad).
  if (settings.ratePerSecond !== undefined && !scenario.load)
    spec.pacing = pacingFor(settings.ratePerSecond / spec.workers, spec.workers);
  return spec;
}

/** The per-operation deadline: the command line's, else the scenario's, else the default. */
export function timeoutOf(scenario: ScenarioDefinition, settings: Pick<RunSettings, 'timeoutMs'>): number {
  return settings.timeoutMs ?? scenario.workload.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/** A load scenario's engine, rate and thresholds after the command line's overrides. */
export function resolveLoad(scenario: ScenarioDefinition, settings: RunSettings): LoadOptions | undefined {
  if (!scenario.load) {
    if (settings.engine)
      throw new UsageError(
        `scenario ${scenario.name} has no HTTP load; ${settings.engine} runs only load scenarios`,
      );
    return undefined;
  }
  const load: LoadOptions = { ...scenario.load, engine: settings.engine ?? scenario.load.engine };
  const ratePerSecond = settings.ratePerSecond ?? scenario.load.ratePerSecond;
  if (ratePerSecond !== undefined) load.ratePerSecond = ratePerSecond;
  if (scenario.load.thresholds || settings.thresholds)
    load.thresholds = { ...scenario.load.thresholds, ...settings.thresholds };
  return load;
}

/** One workload run of a scenario and what it recorded (a timing grid has one per point). */
export interface SingleRun {
  operations: Operation[];
  load?: LoadResult;
  checks: CheckResult[];
  faults: FaultRecord[];
  historyFile: string;
}

interface RunPlan {
  target: TargetDefinition;
  variant: string;
  spec: WorkloadSpec;
  timeoutMs: number;
  windows: FaultWindow[];
  historyFile: string;
  signal: AbortSignal | undefined;
  onProgress: ((progress: Omit<RunProgress, 'scenario' | 'variant'>) => void) | undefined;
  /** Load scenarios: the engine drives the target instead of the workers. */
  load?: {
    options: LoadOptions;
    scenario: string;
    outDir: string;
    segments: number;
    correctCoordinatedOmission: boolean;
  };
}

/** One pass of the workload (and its faults) on a fresh database; the history is read back from disk for checking. */
async function runOnce(plan: RunPlan, pool: ServerPool): Promise<SingleRun> {
  const { target, variant, spec, windows, historyFile } = plan;
  const server = await pool.get(target.database, target.serverSettings?.(variant));
  const scratch = await createScratchDatabase(server);
  let proxy: ToxiproxyProxy | undefined;
  let ctx: TargetContext | undefined;
  const extras: ScratchDatabase[] = [];
  try {
    let database = scratch.info;
    if (windows.some((w) => w.kind === 'network')) {
      // Workers reach the database through Toxiproxy so network toxics apply to them.
      const toxiproxy = await pool.toxiproxy();
      const port = await freePort();
      proxy = await toxiproxy.client.createProxy({
        name: scratch.info.database,
        listen: `127.0.0.1:${port}`,
        upstream: hostPort(server.admin.host, server.admin.port),
      });
      database = { ...scratch.info, host: '127.0.0.1', port };
    }
    ctx = { database, variant, seed: spec.seed, keys: spec.keys.count };
    for (const kind of target.extraDatabases ?? []) {
      const extra = await createScratchDatabase(await pool.get(kind));
      extras.push(extra);
      ctx.extraDatabases = { ...ctx.extraDatabases, [kind]: extra.info };
    }
    await target.setup(ctx);
    // A load engine opens its own connections; workers calling operations need theirs.
    const clients = plan.load ? undefined : new WorkerClients(target, ctx, spec.workers, plan.timeoutMs);
    await clients?.connectAll();
    const history = new HistoryWriter(historyFile);
    const environment = { server, database: scratch.info, ...(proxy ? { proxy } : {}) };
    const nemesis = new Nemesis(windows, environment, history, history.now());
    const faultsDone = nemesis.run();
    const progress = plan.onProgress
      ? setInterval(
          () =>
            plan.onProgress!({
              elapsedMs: history.now(),
              ...(spec.durationMs === undefined ? {} : { totalMs: spec.durationMs }),
              operations: history.completed,
              activeFaults: nemesis.activeLabels,
            }),
          PROGRESS_INTERVAL_MS,
        )
      : undefined;
    let load: LoadResult | undefined;
    try {
      if (plan.load) {
        load = await driveLoad({
          scenario: plan.load.scenario,
          load: plan.load.options,
          target,
          ctx,
          spec,
          timeoutMs: plan.timeoutMs,
          history,
          outDir: plan.load.outDir,
          segments: plan.load.segments,
          correctCoordinatedOmission: plan.load.correctCoordinatedOmission,
          ...(plan.signal ? { signal: plan.signal } : {}),
        });
      } else {
        await runWorkload(spec, {
          history,
          planner: target.plan,
          execute: (worker, planned) => clients!.execute(worker, planned),
          ...(plan.signal ? { signal: plan.signal } : {}),
        });
      }
    } finally {
      clearInterval(progress);
      try {
        // Heal everything (restart a crashed server, resume a paused one, remove toxics) before judging.
        await nemesis.stop();
        await faultsDone;
      } finally {
        history.close();
        await clients?.closeAll();
      }
    }
    const finalState = await target.finalState(ctx);
    const { operations, faults } = await loadHistory(historyFile);
    const checks = runCheckers(target.checkers, { operations, finalState });
    return { operations, checks, faults, historyFile, ...(load ? { load } : {}) };
  } finally {
    if (ctx && target.teardown) await target.teardown(ctx).catch(() => {});
    await proxy?.remove().catch(() => {});
    await scratch.drop().catch(() => {});
    for (const extra of extras) await extra.drop().catch(() => {});
  }
}

/**
 * When the first violation was proven (ms into the run): a violation is proven
 * once the last of its operations has completed; one naming no operation (the
 * final state's) at the end of the run.
 */
export function firstEvidence(runs: Pick<SingleRun, 'checks' | 'operations'>[]): number | undefined {
  let first: number | undefined;
  for (const run of runs) {
    const violations = run.checks.flatMap((c) => c.violations);
    if (violations.length === 0) continue;
    const completedAt = new Map(run.operations.map((o) => [o.id, o.completedAt]));
    const end = run.operations.reduce((t, o) => Math.max(t, o.completedAt), 0);
    for (const v of violations) {
      const times = v.operations.map((id) => completedAt.get(id)).filter((t): t is number => t !== undefined);
      const at = times.length > 0 ? Math.max(...times) : end;
      first = first === undefined ? at : Math.min(first, at);
    }
  }
  return first;
}

function failuresByWorker(operations: Operation[], workers: number): number[] {
  const failures = new Array<number>(workers).fill(0);
  for (const o of operations) if (o.outcome === 'fail') failures[o.worker] = (failures[o.worker] ?? 0) + 1;
  return failures;
}

export async function runScenario(
  scenario: ScenarioDefinition,
  target: TargetDefinition,
  variant: string,
  pool: ServerPool,
  settings: RunSettings,
): Promise<RunResult> {
  const startedAt = Date.now();
  const info = target.variants[variant]!;
  const baseSpec = resolveWorkload(scenario, settings);
  const fileFor = (suffix = '') =>
    join(settings.outDir, 'histories', `${scenario.name}--${variant}${suffix}.ndjson`);
  const timeoutMs = timeoutOf(scenario, settings);
  const faults = scenario.faults ?? [];
  if (faults.length > 0 && baseSpec.durationMs === undefined) {
    throw new UsageError(
      `scenario ${scenario.name}: faults need a duration to be scheduled in (it has an operation count)`,
    );
  }
  const load = resolveLoad(scenario, settings);
  const plan = (spec: WorkloadSpec, historyFile: string): RunPlan => ({
    target,
    variant,
    spec,
    timeoutMs,
    windows: planFaultWindows(faults, spec.durationMs ?? 0, settings.seed),
    historyFile,
    signal: settings.signal,
    onProgress: settings.onProgress
      ? (p) => settings.onProgress!({ scenario: scenario.name, variant, ...p })
      : undefined,
    ...(load
      ? {
          load: {
            options: load,
            scenario: scenario.name,
            outDir: join(settings.outDir, 'load', `${scenario.name}--${variant}`),
            segments: settings.segments ?? 1,
            correctCoordinatedOmission: settings.correctCoordinatedOmission ?? true,
          },
        }
      : {}),
  });

  const runs: SingleRun[] = [];
  let timingGrid: TimingPointResult[] | undefined;
  let error: string | undefined;
  try {
    if (scenario.timingGrid) {
      const grid = scenario.timingGrid;
      const scale = settings.timeScale ?? grid.timeScale;
      const windowMs = (settings.windowMs ?? grid.windowMs) * scale;
      timingGrid = [];
      for (const [i, point] of grid.points.entries()) {
        if (settings.signal?.aborted) break;
        const pacing = {
          kind: 'paced' as const,
          rateMs: point.rateMs * scale,
          offsetMs: point.offsetMs * scale,
        };
        const spec: WorkloadSpec = { ...baseSpec, pacing, durationMs: windowMs };
        delete spec.opCount;
        const run = await runOnce(plan(spec, fileFor(`--point${i}`)), pool);
        runs.push(run);
        const failures = failuresByWorker(run.operations, spec.workers);
        const total = failures.reduce((a, b) => a + b, 0);
        timingGrid.push({
          ...point,
          scaledRateMs: pacing.rateMs,
          scaledOffsetMs: pacing.offsetMs,
          failuresByWorker: failures,
          met: point.expect === 'failures' ? total > 0 : total === 0,
        });
      }
    } else {
      runs.push(await runOnce(plan(baseSpec, fileFor()), pool));
    }
  } catch (caught) {
    // A missing component or a bad scenario ends the whole suite (with its own exit code);
    // anything else is this run's error.
    if (caught instanceof EnvironmentError || caught instanceof UsageError) throw caught;
    error = redact(errorMessage(caught));
  }

  const operations = runs.flatMap((r) => r.operations);
  const checks = runs.flatMap((r) => r.checks);
  if (timingGrid && !info.broken) {
    const missed = timingGrid.filter((p) => !p.met);
    checks.push({
      checker: 'timing-expectation',
      verdict: missed.length > 0 ? 'invalid' : 'valid',
      violations: missed.map((p) => ({
        invariant: 'article-timing',
        message: `rate ${p.rateMs}ms / offset ${p.offsetMs}ms: expected ${p.expect === 'failures' ? 'some' : 'no'} failures, saw ${p.failuresByWorker.join(' + ')}`,
        operations: [],
      })),
    });
  }
  // A run that recorded no operation (interrupted before its first, a grid with no point run) tested
  // nothing: no checker can call it valid. k6, outside the process, records no history (autocannon does).
  if (!error && operations.length === 0 && !runs.some((r) => r.load?.engine === 'k6'))
    checks.push({
      checker: 'history',
      verdict: 'unknown',
      violations: [],
      reason: 'no operation was recorded: the run tested nothing',
    });
  const expected: Verdict = info.broken ? 'invalid' : 'valid';
  const verdict: Verdict = error ? 'unknown' : combineVerdicts(checks);
  const { seed: _seed, ...workload } = baseSpec;
  const result: RunResult = {
    scenario: scenario.name,
    target: target.name,
    variant,
    broken: info.broken,
    expected,
    verdict,
    passed: verdict === expected,
    seed: settings.seed,
    workload,
    summary: summarize(operations, {
      correctCoordinatedOmission: settings.correctCoordinatedOmission ?? true,
    }),
    checks,
    faultWindows: runs.flatMap((r) => summarizeFaultWindows(r.faults, r.operations, r.checks)),
    historyFiles: runs.map((r) => r.historyFile),
    durationMs: Date.now() - startedAt,
    interrupted: settings.signal?.aborted ?? false,
  };
  const detectedAtMs = firstEvidence(runs);
  if (detectedAtMs !== undefined) result.detectedAtMs = detectedAtMs;
  if (timingGrid) result.timingGrid = timingGrid;
  const loadResult = runs.find((r) => r.load)?.load;
  if (loadResult) result.load = loadResult;
  if (settings.runThresholds) {
    const judged = evaluateRunThresholds(settings.runThresholds, {
      scenario: scenario.name,
      variant,
      broken: info.broken,
      operations,
      checks,
      correctCoordinatedOmission: settings.correctCoordinatedOmission ?? true,
      summary: result.summary,
    });
    if (judged.length > 0) result.thresholds = judged;
  }
  if (error) result.error = error;
  return result;
}
