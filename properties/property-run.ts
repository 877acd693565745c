/**
 * `npm run chaos -- property TARGET`: the property-based concurrency test of
 * one target and variant, with a larger budget than `npm test` gives it. A
 * failure is shrunk by fast-check and printed as a per-client trace, with
 * the `--replay SEED:PATH` that reproduces it; results and the trace go to
 * property.json and the HTML report.
 */
import fc from 'fast-check';
import type { TargetDefinition } from '../harness/core/target.ts';
import type { ServerPool } from '../harness/providers/server-pool.ts';
import {
  type CaseLimits,
  type CaseResult,
  type ConcurrencyCase,
  concurrencyCase,
  DEFAULT_SCHEDULE_STRATEGY,
  formatTrace,
  type Mutation,
  runCase,
  type ScheduleStrategy,
} from './concurrency-property.ts';
import type { TraceStep } from './scheduler/interleaving-scheduler.ts';

export interface PropertyResult {
  target: string;
  variant: string;
  broken: boolean;
  /** How the cases ordered statements; `exhaustive` ran every order. */
  strategy: ScheduleStrategy | 'exhaustive';
  /** The property held for every case tried. */
  held: boolean;
  /** Correct variant held, or the broken one was caught. */
  passed: boolean;
  runs: number;
  seed: number;
  /** fast-check's path to the shrunk counterexample; with the seed, `--replay SEED:PATH`. */
  path?: string;
  counterexample?: {
    case: ConcurrencyCase;
    trace: TraceStep[];
    operations: { client: number; op: string; args: unknown; outcome: string; result: unknown }[];
    violations: { invariant: string; message: string }[];
  };
  text?: string;
  /** Set by `--exhaustive`: what was enumerated, in a line (the counterexample is then the first failing interleaving, not shrunk). */
  exhaustive?: string;
}

export function parseReplay(text: string): { seed: number; path: string } {
  const match = /^(-?\d+):(\d+(?::\d+)*)$/.exec(text.trim());
  if (!match)
    throw new Error(
      `--replay: expected SEED:PATH as printed by a failed property, e.g. 42:3:0:1, got "${text}"`,
    );
  return { seed: Number(match[1]), path: match[2]! };
}

export function describeCounterexample(
  kase: ConcurrencyCase,
  result: CaseResult,
): NonNullable<PropertyResult['counterexample']> {
  return {
    case: kase,
    trace: result.outcome.trace,
    operations: result.operations.map((o) => ({
      client: o.worker,
      op: o.op,
      args: o.args,
      outcome: o.outcome,
      result: o.value ?? o.error,
    })),
    violations: result.checks.flatMap((c) =>
      c.violations.map((v) => ({ invariant: v.invariant, message: v.message })),
    ),
  };
}

export async function runProperty(
  target: TargetDefinition,
  variant: string,
  pool: ServerPool,
  options: {
    runs: number;
    seed: number;
    replay?: { seed: number; path: string };
    /** Case sizes; the defaults give `npm run chaos -- property` room, tests pass smaller ones. */
    limits?: CaseLimits;
    strategy?: ScheduleStrategy;
    /** Stop at the first failing case, unshrunk: to count the cases it took (the schedule comparison). */
    endOnFailure?: boolean;
    /** Run the variant's code under this change (`chaos mutate`). */
    mutation?: Mutation;
  },
): Promise<PropertyResult> {
  const strategy = options.strategy ?? DEFAULT_SCHEDULE_STRATEGY;
  const caseOptions = options.mutation ? { mutation: options.mutation } : {};
  const cases = concurrencyCase(options.limits ?? { maxClients: 3, maxOperations: 3, maxKeys: 2 }, strategy);
  // The last failing case's run: fast-check reports that case as the (shrunk) counterexample.
  let lastFailure: { kase: ConcurrencyCase; run: CaseResult } | undefined;
  const property = fc.asyncProperty(cases, async (kase) => {
    const run = await runCase(target, variant, kase, pool, caseOptions);
    if (run.verdict === 'invalid') lastFailure = { kase, run };
    return run.verdict !== 'invalid';
  });
  const settings = options.replay
    ? { seed: options.replay.seed, path: options.replay.path, numRuns: 1 }
    : { seed: options.seed, numRuns: options.runs, endOnFailure: options.endOnFailure ?? false };
  const details = await fc.check(property, settings);
  const broken = target.variants[variant]!.broken;
  const result: PropertyResult = {
    target: target.name,
    variant,
    broken,
    strategy,
    held: !details.failed,
    passed: broken ? details.failed : !details.failed,
    runs: details.numRuns,
    seed: details.seed,
  };
  if (details.failed && details.counterexample) {
    const kase = details.counterexample[0];
    const shrunk =
      lastFailure?.kase === kase ? lastFailure.run : await runCase(target, variant, kase, pool, caseOptions);
    result.path = details.counterexamplePath ?? undefined;
    result.counterexample = describeCounterexample(kase, shrunk);
    result.text = formatTrace(shrunk);
  }
  return result;
}
