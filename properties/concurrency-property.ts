/**
 * Property-based concurrency tests on real databases. fast-check generates a
 * case: how many clients, each client's operations (from the target's own
 * planner), the key space, the schedule (the order in which the clients'
 * statements are released) and a fault plan (a step before which the
 * releasing client's connection is killed). The interleaving scheduler runs the case on a
 * fresh database and the target's checkers judge it; a failing case is
 * shrunk by fast-check to a minimal interleaving, printed per client.
 */
import fc from 'fast-check';
import { type CheckResult, combineVerdicts, runCheckers, type Verdict } from '../harness/core/check.ts';
import type { Operation } from '../harness/core/history.ts';
import { Random } from '../harness/core/rng.ts';
import type { TargetDefinition } from '../harness/core/target.ts';
import { keyChooser, NO_RUN, type PlannedOperation } from '../harness/core/workload.ts';
import type { ServerPool } from '../harness/providers/server-pool.ts';
import type { ChooseNext, ScheduleOutcome } from './scheduler/interleaving-scheduler.ts';
import { type PctSchedule, pctChooser } from './scheduler/pct.ts';
import { runScheduled } from './scheduler/scheduled-run.ts';

export interface ConcurrencyCase {
  /** Seeds the target's planner (which rows, which values). */
  seed: number;
  /** Number of operations of each client; its length is the number of clients. */
  operationsPerClient: number[];
  keys: number;
  /** Client indices in the order their statements are released. */
  schedule: number[];
  /** Fault plan: statement steps before which the releasing client's connection is killed. */
  kills?: number[];
  /** A PCT schedule, which decides instead of `schedule`. */
  pct?: PctSchedule;
}

/** How cases pick the order of statements: uniformly random client lists, or PCT priorities. */
export const SCHEDULE_STRATEGIES = ['pct', 'random'] as const;
export type ScheduleStrategy = (typeof SCHEDULE_STRATEGIES)[number];

/** What `property` uses unless told (`--schedule`): the one that found the built-in mutants in fewer cases. */
export const DEFAULT_SCHEDULE_STRATEGY: ScheduleStrategy = 'random';

/** The most ordering constraints a PCT case targets (d): bugs of depth 2 to 3. */
const PCT_MAX_DEPTH = 3;

export interface CaseLimits {
  maxClients: number;
  maxOperations: number;
  maxKeys: number;
}

export function concurrencyCase(
  limits: CaseLimits,
  strategy: ScheduleStrategy = 'random',
): fc.Arbitrary<ConcurrencyCase> {
  const common = {
    seed: fc.nat(1000),
    operationsPerClient: fc.array(fc.integer({ min: 1, max: limits.maxOperations }), {
      minLength: 1,
      maxLength: limits.maxClients,
    }),
    keys: fc.integer({ min: 1, max: limits.maxKeys }),
    kills: fc.array(fc.nat(2 * limits.maxClients * limits.maxOperations), { maxLength: 1 }),
  };
  if (strategy === 'random')
    return fc.record({
      ...common,
      schedule: fc.array(fc.nat(limits.maxClients - 1), {
        maxLength: 4 * limits.maxClients * limits.maxOperations,
      }),
    });
  // PCT's change points fall within the run: k, its length, is estimated as two statements an operation.
  // At least one (depth 2): with none, each client runs all its statements in turn and races nothing.
  return fc.record(common).chain((base) => {
    const k = 2 * base.operationsPerClient.reduce((a, b) => a + b, 0);
    const pct = fc.record({
      priorities: fc.array(fc.nat(limits.maxClients * 4), {
        minLength: limits.maxClients,
        maxLength: limits.maxClients,
      }),
      changePoints: fc.array(fc.nat(k - 1), { minLength: 1, maxLength: PCT_MAX_DEPTH - 1 }),
    });
    return fc.record({ schedule: fc.constant([] as number[]), pct }).map((rest) => ({ ...base, ...rest }));
  });
}

/** Each client's operations, from the target's planner and the case's seed. */
export function programsOf(target: TargetDefinition, kase: ConcurrencyCase): PlannedOperation[][] {
  return kase.operationsPerClient.map((count, worker) => {
    const rng = new Random(kase.seed).fork('client', worker);
    const chooseKey = keyChooser({ count: kase.keys, distribution: 'uniform', hotFraction: 0 }, rng);
    return Array.from({ length: count }, (_, index) =>
      target.plan({ ...NO_RUN, rng, worker, index, keyCount: kase.keys, chooseKey, seed: kase.seed }),
    );
  });
}

export interface CaseResult {
  verdict: Verdict;
  checks: CheckResult[];
  outcome: ScheduleOutcome;
  operations: Operation[];
}

/** A change to the target's code or schema, run in place of what it does (`chaos mutate`). */
export interface Mutation {
  /** Rewrites each statement's SQL before it is sent. */
  rewrite?: (sql: string) => string;
  /** Statements run on the fresh database after the target's setup. */
  afterSetup?: string[];
}

export interface CaseOptions {
  /** A strategy deciding instead of the case's schedule (exhaustive enumeration). */
  choose?: ChooseNext;
  mutation?: Mutation;
}

/** Run one case on a fresh scratch database and judge it with the target's checkers. */
export async function runCase(
  target: TargetDefinition,
  variant: string,
  kase: ConcurrencyCase,
  pool: ServerPool,
  options: CaseOptions = {},
): Promise<CaseResult> {
  const programs = programsOf(target, kase);
  const run = { target, variant, seed: kase.seed, keys: kase.keys, programs, schedule: kase.schedule };
  const choose = options.choose ?? (kase.pct ? pctChooser(kase.pct) : undefined);
  const strategy = choose ? { choose } : {};
  const mutation = options.mutation ?? {};
  return runScheduled({ ...run, ...strategy, ...mutation, kills: kase.kills }, pool, async (outcome, ctx) => {
    const finalState = await target.finalState(ctx);
    // The checkers' history: logical time (statement steps) stands in for the clock.
    const operations: Operation[] = outcome.operations.map((o, id) => ({
      id,
      worker: o.client,
      op: o.op,
      args: o.args,
      outcome: o.outcome,
      invokedAt: o.invokedAt,
      completedAt: o.completedAt + 0.5,
      ...(o.value === undefined ? {} : { value: o.value }),
      ...(o.error === undefined ? {} : { error: o.error }),
    }));
    // A small generated case may give a checker nothing to judge (say, only deletes): that case proves
    // nothing either way, as a case fast-check's `pre` skips, rather than failing the property.
    const checks = runCheckers(target.checkers, { operations, finalState }).filter((c) => !c.vacuous);
    return { verdict: combineVerdicts(checks), checks, outcome, operations };
  });
}

/** The counterexample as a person reads it: one column per client, one row per statement. */
export function formatTrace(result: CaseResult): string {
  const lines = result.outcome.trace.map((s, i) => {
    const params = s.params.length > 0 ? ` ${JSON.stringify(s.params)}` : '';
    const mark = s.result === 'done' ? '' : `  [${s.result}${s.detail ? `: ${s.detail}` : ''}]`;
    return `${String(i + 1).padStart(3)}. ${'    '.repeat(s.client)}client ${s.client} op ${s.operation}: ${s.sql}${params}${mark}`;
  });
  const outcomes = result.operations.map(
    (o) =>
      `     client ${o.worker} ${o.op} ${JSON.stringify(o.args)} -> ${o.outcome} ${JSON.stringify(o.value ?? o.error ?? '')}`,
  );
  const violations = result.checks.flatMap((c) =>
    c.violations.map((v) => `     ${v.invariant}: ${v.message}`),
  );
  return [
    ...lines,
    '   outcomes:',
    ...outcomes,
    ...(violations.length ? ['   violations:', ...violations] : []),
  ].join('\n');
}
