/**
 * One pass of a scenario's workload (and its faults) on fresh databases:
 * schema, workers or a load engine, history on disk, heal, final state,
 * checkers. A scenario with a pass series runs several; other scenarios one.
 */
import { type CheckResult, runCheckers, unknownResult } from './check.ts';
import type { PassResources, RunEnvironment } from './environment.ts';
import { UsageError } from './errors.ts';
import type { FaultWindow } from './fault-plan.ts';
import { type FaultRecord, HistoryWriter, loadHistory, type Operation } from './history.ts';
import type { LoadOptions, LoadResult } from './load.ts';
import { errorMessage } from './outcomes.ts';
import { redact } from './redact.ts';
import type { RunProgress } from './run-settings.ts';
import type { RunContext, TargetContext, TargetDefinition } from './target.ts';
import { WorkerClients } from './worker-clients.ts';
import { runWorkload, type WorkloadSpec } from './workload.ts';

const PROGRESS_INTERVAL_MS = 250;

/** What one pass recorded. */
export interface SingleRun {
  operations: Operation[];
  load?: LoadResult;
  checks: CheckResult[];
  faults: FaultRecord[];
  historyFile: string;
}

export interface PassPlan {
  scenario: string;
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

/**
 * The checkers' verdicts on a pass. A target that returned garbage, or whose
 * final state cannot be read, makes the pass unknown, while its history and
 * counts are kept.
 */
async function judge(
  target: TargetDefinition,
  ctx: RunContext,
  operations: Operation[],
  targetError: string | undefined,
): Promise<CheckResult[]> {
  if (targetError) return [unknownResult('target', targetError)];
  let finalState: unknown;
  try {
    finalState = await target.finalState(ctx);
  } catch (error) {
    return [unknownResult('final-state', `finalState failed: ${redact(errorMessage(error))}`)];
  }
  return runCheckers(target.checkers, { operations, finalState });
}

/** The history is read back from disk for checking, so what is judged is what was recorded. */
export async function runPass<Pass extends PassResources>(
  plan: PassPlan,
  environment: RunEnvironment<Pass>,
): Promise<SingleRun> {
  const { target, variant, spec, windows, historyFile } = plan;
  const serverSettings = target.serverSettings?.(variant);
  const resources = await environment.providePass({
    target: target.name,
    variant,
    ...(target.database ? { database: target.database } : {}),
    ...(serverSettings ? { serverSettings } : {}),
    extraDatabases: target.extraDatabases ?? [],
    ...(target.service ? { service: target.service } : {}),
    networkFaults: windows.some((w) => w.kind === 'network'),
    clockFaults: windows.some((w) => w.kind === 'clock-skew'),
    // Each worker calling operations opens its own client (a load engine or a service has its own).
    clientConnections: plan.load || target.service ? 0 : spec.workers,
  });
  let ctx: RunContext | undefined;
  try {
    // A service target without a database of the harness's has none here, and never reads it.
    const base = { variant, seed: spec.seed, keys: spec.keys.count } as TargetContext;
    if (resources.database) base.database = resources.database;
    if (resources.extraDatabases) base.extraDatabases = resources.extraDatabases;
    if (resources.service) base.service = resources.service;
    if (resources.clockEnv) base.clockEnv = resources.clockEnv;
    // Until setup returns, there is nothing of the target's to tear down.
    ctx = { ...base, env: await target.setup(base) };
    // A load engine opens its own connections; workers calling operations need theirs.
    const clients = plan.load ? undefined : new WorkerClients(target, ctx, spec.workers, plan.timeoutMs);
    await clients?.connectAll();
    // A target whose operation returns garbage stops the pass: its outcomes cannot be recorded.
    const targetBroke = new AbortController();
    if (clients) clients.onTargetError = () => targetBroke.abort();
    const workloadSignal = plan.signal
      ? AbortSignal.any([plan.signal, targetBroke.signal])
      : targetBroke.signal;
    const history = new HistoryWriter(historyFile);
    const nemesis = environment.startFaults(windows, resources, history, history.now());
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
        if (!environment.driveLoad)
          throw new UsageError(`scenario ${plan.load.scenario}: no load engine was handed to the runner`);
        load = await environment.driveLoad({
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
          signal: workloadSignal,
          context: { scenario: plan.scenario, variant, env: ctx.env },
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
    const { operations, faults } = await loadHistory(historyFile);
    const checks = await judge(target, ctx, operations, clients?.targetError);
    return { operations, checks, faults, historyFile, ...(load ? { load } : {}) };
  } finally {
    if (ctx && target.teardown) await target.teardown(ctx).catch(() => {});
    await resources.dispose();
  }
}
