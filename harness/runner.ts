/**
 * Runs one scenario against one variant of its target: fresh database,
 * schema, workers, workload, history on disk, final state, checkers, figures.
 * Data flows one way: provider -> workload -> history -> checkers -> result.
 */
import { join } from 'node:path';
import type { CheckResult, Verdict } from './checkers/types.ts';
import { capViolations, combineVerdicts } from './checkers/types.ts';
import { EnvironmentError } from './errors.ts';
import { HistoryWriter, loadOperations, type Operation } from './history.ts';
import { classifyError, errorMessage } from './outcomes.ts';
import { redact } from './redact.ts';
import type { ScenarioDefinition, TimingPoint } from './scenarios.ts';
import { createScratchDatabase } from './scratch-database.ts';
import type { ServerPool } from './server-pool.ts';
import { type HistorySummary, summarize } from './stats.ts';
import type { TargetContext, TargetDefinition } from './target.ts';
import { type OperationResult, runWorkload, type WorkloadSpec } from './workload.ts';

export interface RunSettings {
  seed: number;
  outDir: string;
  /** Overrides from the command line, applied to every scenario. */
  workers?: number;
  durationMs?: number;
  timeScale?: number;
  windowMs?: number;
  signal?: AbortSignal;
}

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
  historyFiles: string[];
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
  return spec;
}

interface SingleRun {
  operations: Operation[];
  checks: CheckResult[];
  historyFile: string;
}

/** One pass of the workload on a fresh database; the history is read back from disk for checking. */
async function runOnce(
  target: TargetDefinition,
  variant: string,
  spec: WorkloadSpec,
  pool: ServerPool,
  historyFile: string,
  signal: AbortSignal | undefined,
): Promise<SingleRun> {
  const server = await pool.get(target.database);
  const scratch = await createScratchDatabase(server);
  try {
    const ctx: TargetContext = { database: scratch.info, variant, seed: spec.seed, keys: spec.keys.count };
    await target.setup(ctx);
    const clients: unknown[] = await Promise.all(
      Array.from({ length: spec.workers }, (_, w) => target.connect(ctx, w)),
    );
    const broken = new Set<number>();
    const history = new HistoryWriter(historyFile);

    const execute = async (
      worker: number,
      planned: { op: string; args: unknown },
    ): Promise<OperationResult> => {
      const operation = target.operations[planned.op];
      if (!operation)
        return { outcome: 'fail', error: `target ${target.name} has no operation "${planned.op}"` };
      if (broken.has(worker)) {
        // The previous call left this worker's connection in an unknown state: start over.
        try {
          await target.disconnect(clients[worker]).catch(() => {});
          clients[worker] = await target.connect(ctx, worker);
          broken.delete(worker);
        } catch (error) {
          // Never sent, so it surely did not happen.
          return { outcome: 'fail', error: redact(`reconnect failed: ${errorMessage(error)}`) };
        }
      }
      try {
        const result = await operation(clients[worker], planned.args, ctx);
        return result.outcome === 'ok'
          ? { outcome: 'ok', value: result.value }
          : {
              outcome: 'fail',
              error: result.error,
              ...(result.value === undefined ? {} : { value: result.value }),
            };
      } catch (error) {
        const outcome = classifyError(error);
        if (outcome === 'info') broken.add(worker);
        return { outcome, error: redact(errorMessage(error)) };
      }
    };

    try {
      await runWorkload(spec, { history, planner: target.plan, execute, ...(signal ? { signal } : {}) });
    } finally {
      history.close();
      await Promise.allSettled(clients.map((c) => target.disconnect(c)));
    }
    const finalState = await target.finalState(ctx);
    const operations = await loadOperations(historyFile);
    const checks = target.checkers.map((checker) => {
      try {
        return capViolations(checker.check({ operations, finalState }));
      } catch (error) {
        return {
          checker: checker.name,
          verdict: 'unknown' as const,
          violations: [],
          reason: `checker crashed: ${errorMessage(error)}`,
        };
      }
    });
    return { operations, checks, historyFile };
  } finally {
    await scratch.drop().catch(() => {});
  }
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
        const run = await runOnce(target, variant, spec, pool, fileFor(`--point${i}`), settings.signal);
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
      runs.push(await runOnce(target, variant, baseSpec, pool, fileFor(), settings.signal));
    }
  } catch (caught) {
    // A missing database ends the whole suite (with its own exit code); anything else is this run's error.
    if (caught instanceof EnvironmentError) throw caught;
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
    summary: summarize(operations),
    checks,
    historyFiles: runs.map((r) => r.historyFile),
    durationMs: Date.now() - startedAt,
    interrupted: settings.signal?.aborted ?? false,
  };
  if (timingGrid) result.timingGrid = timingGrid;
  if (error) result.error = error;
  return result;
}
