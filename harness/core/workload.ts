/**
 * The workload engine: N workers, each with its own client, issuing the
 * operations a planner chooses. Closed loop (next operation as soon as the
 * previous one returns) or paced (worker w fires at w*offset + k*rate, like
 * the article's goroutines on a ticker). Runs for a duration or an operation
 * count. Every random choice comes from the run's seed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Completion, HistoryWriter } from './history.ts';
import { Random } from './rng.ts';

export type Pacing = { kind: 'closed' } | { kind: 'paced'; rateMs: number; offsetMs: number };

/**
 * Workers paced at `rate` operations per second each, spread evenly over one
 * period so they collide only when the period is short; rate 0 is a closed loop.
 * With a total arrival rate R over W workers this is the open model: rate R / W.
 */
export function pacingFor(rate: number, workers: number): Pacing {
  if (rate <= 0) return { kind: 'closed' };
  const rateMs = 1000 / rate;
  return { kind: 'paced', rateMs, offsetMs: rateMs / workers };
}

export interface KeySpace {
  /** Number of distinct keys (rows, emails, ...) the workload touches. */
  count: number;
  /** `hot`: a fraction of operations go to key 0, the rest spread uniformly. */
  distribution: 'uniform' | 'hot';
  hotFraction: number;
}

export interface WorkloadSpec {
  workers: number;
  pacing: Pacing;
  /** Stop starting operations after this long (ms). */
  durationMs?: number;
  /** Or after this many operations in total, split evenly across workers. */
  opCount?: number;
  keys: KeySpace;
  seed: number;
}

/** At most this many workers: each holds a connection, and servers refuse far fewer clients than a CLI can ask for. */
export const MAX_WORKERS = 1000;

export interface PlannedOperation {
  op: string;
  args: unknown;
}

/** What a planner knows of its run beyond the workload. */
export interface PlanRun<Env = unknown> {
  scenario: string;
  variant: string;
  /** What the target's `setup` returned (service URLs, server-assigned ids...). */
  env: Env;
}

/** Planning outside a run (tests, replays, the k6 export): no scenario, no environment. */
export const NO_RUN: PlanRun<undefined> = { scenario: '', variant: '', env: undefined };

export interface PlanContext<Env = unknown> extends PlanRun<Env> {
  rng: Random;
  worker: number;
  /** Index of this operation within its worker's sequence. */
  index: number;
  /** Size of the key space. */
  keyCount: number;
  /** The run's seed, for planners that regenerate earlier operations (repeats). */
  seed: number;
  /** A key in [0, keyCount) drawn with the workload's key distribution. */
  chooseKey(): number;
}

/** Chooses each worker's next operation; must draw all randomness from `ctx.rng`. */
// Method-shaped, so a target's planner typed for its own environment stays assignable here.
export type OperationPlanner = { plan(ctx: PlanContext): PlannedOperation }['plan'];

export type OperationResult = Completion;

/** Runs one planned operation on the worker's client. Must not throw: failures are outcomes. */
export type OperationExecutor = (worker: number, planned: PlannedOperation) => Promise<OperationResult>;

export function keyChooser(keys: KeySpace, rng: Random): () => number {
  if (keys.count <= 1) return () => 0;
  if (keys.distribution === 'hot') {
    return () => (rng.chance(keys.hotFraction) ? 0 : 1 + rng.int(keys.count - 1));
  }
  return () => rng.int(keys.count);
}

/** The random stream of one worker: the same seed and worker id always give the same stream. */
export function workerRandom(seed: number, worker: number): Random {
  return new Random(seed).fork('worker', worker);
}

/** The first `n` operations a worker will issue, without running anything (for tests and replays). */
export function planOperations(
  spec: WorkloadSpec,
  planner: OperationPlanner,
  worker: number,
  n: number,
  run: PlanRun = NO_RUN,
): PlannedOperation[] {
  const rng = workerRandom(spec.seed, worker);
  const chooseKey = keyChooser(spec.keys, rng);
  const plan: PlannedOperation[] = [];
  for (let index = 0; index < n; index++)
    plan.push(planner(planContext(spec, run, rng, worker, index, chooseKey)));
  return plan;
}

function planContext(
  spec: WorkloadSpec,
  run: PlanRun,
  rng: Random,
  worker: number,
  index: number,
  chooseKey: () => number,
): PlanContext {
  const { scenario, variant, env } = run;
  return {
    scenario,
    variant,
    env,
    rng,
    worker,
    index,
    keyCount: spec.keys.count,
    chooseKey,
    seed: spec.seed,
  };
}

/** Operations worker `w` may issue when the total is `opCount`: the remainder goes to the lowest ids. */
export function quotaOf(opCount: number, workers: number, worker: number): number {
  return Math.floor(opCount / workers) + (worker < opCount % workers ? 1 : 0);
}

export interface WorkloadRun {
  history: HistoryWriter;
  planner: OperationPlanner;
  execute: OperationExecutor;
  signal?: AbortSignal;
  /** The scenario, variant and environment the planner sees (none outside a run). */
  context?: PlanRun;
}

/** Drive all workers until the duration or count is reached or the signal aborts. */
export async function runWorkload(spec: WorkloadSpec, run: WorkloadRun): Promise<void> {
  if (spec.durationMs === undefined && spec.opCount === undefined) {
    throw new Error('workload needs a duration or an operation count');
  }
  const startedAt = run.history.now();
  const deadline = spec.durationMs === undefined ? Number.POSITIVE_INFINITY : startedAt + spec.durationMs;
  const workers = Array.from({ length: spec.workers }, (_, worker) =>
    runWorker(spec, run, worker, startedAt, deadline),
  );
  await Promise.all(workers);
}

async function runWorker(
  spec: WorkloadSpec,
  run: WorkloadRun,
  worker: number,
  startedAt: number,
  deadline: number,
) {
  const { history, planner, execute, signal, context = NO_RUN } = run;
  const rng = workerRandom(spec.seed, worker);
  const chooseKey = keyChooser(spec.keys, rng);
  const quota =
    spec.opCount === undefined ? Number.POSITIVE_INFINITY : quotaOf(spec.opCount, spec.workers, worker);

  for (let index = 0; index < quota; index++) {
    let intended: number | undefined;
    if (spec.pacing.kind === 'paced') {
      // Like time.NewTicker: the first tick comes one period after the worker's offset.
      intended = startedAt + worker * spec.pacing.offsetMs + (index + 1) * spec.pacing.rateMs;
      if (intended >= deadline) return;
      // Timers may fire up to a millisecond early; never start an operation before its tick.
      for (let wait = intended - history.now(); wait > 0; wait = intended - history.now()) {
        try {
          await sleep(Math.ceil(wait), undefined, { signal });
        } catch {
          return; // aborted while waiting
        }
      }
    }
    if (signal?.aborted || history.now() >= deadline) return;
    const planned = planner(planContext(spec, context, rng, worker, index, chooseKey));
    const id = history.invoke(worker, planned.op, planned.args, intended);
    history.complete(id, worker, planned.op, await execute(worker, planned));
  }
}
