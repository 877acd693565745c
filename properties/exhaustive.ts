/**
 * Bounded proofs: every interleaving of a few clients' statements, each run
 * on a fresh database and judged by the target's checkers. A correct variant
 * that holds on all of them holds at that scope, not merely on the schedules
 * tried.
 *
 * The enumeration is a depth-first search over the scheduler's choices, as a
 * stateless model checker (CHESS, Godefroid's VeriSoft) does it: run a
 * prefix of choices, then the lowest allowed client at every later step,
 * recording which other clients were allowed at each step; every one of
 * those alternatives is a new prefix to run. The scheduler is deterministic,
 * so a prefix always leads to the same choices.
 *
 * Pruning, from statement independence (independence.ts): two adjacent
 * statements that commute give the same run in either order, so only the
 * order with the lower-numbered client first is run. The higher client's
 * statement is skipped only if the lower one was already waiting at its gate
 * a step earlier (then swapping the two is itself a run the search makes).
 * A run forced into a skipped order (no other client left to release) is
 * redundant: its equivalent is run elsewhere, so it is counted, not judged.
 */
import type { TargetDefinition } from '../harness/core/target.ts';
import type { ServerPool } from '../harness/providers/server-pool.ts';
import { type CaseResult, type ConcurrencyCase, formatTrace, runCase } from './concurrency-property.ts';
import { describeCounterexample, type PropertyResult } from './property-run.ts';
import { independent } from './scheduler/independence.ts';
import type { ChooseNext } from './scheduler/interleaving-scheduler.ts';

export interface ExhaustiveScope {
  clients: number;
  /** Operations per client, from the target's planner. */
  operations: number;
  /** Keys the planner chooses from; 1 puts every client on the same row. */
  keys: number;
  /** Seeds the planner: which operations and values. */
  seed: number;
  /** The most interleavings run; past it the search stops and says so. */
  maxInterleavings: number;
  /** Skip orders equivalent by commuting statements (default); false runs every order, to check the pruning. */
  prune?: boolean;
}

export interface ExhaustiveResult {
  target: string;
  variant: string;
  broken: boolean;
  scope: ExhaustiveScope;
  /** Interleavings run and judged. */
  interleavings: number;
  /** Of them, those the checkers found a violation in. */
  failing: number;
  /** Of them, those the checkers could not decide. */
  unknown: number;
  /** Choices not taken because the statements commute with the one just released. */
  prunedChoices: number;
  /** Runs forced into an order equivalent to one run elsewhere: counted, not judged. */
  redundantRuns: number;
  /** Every interleaving at this scope was run (the bound was not reached). */
  complete: boolean;
  /** Correct variant: no interleaving failed; broken variant: at least one did. */
  passed: boolean;
  /** The first failing interleaving: its choices (client per step) and the run. */
  firstFailure?: { choices: number[]; run: CaseResult };
}

interface Step {
  chosen: number;
  /** How many clients were parked. */
  parked: number;
  /** The choice was not allowed: the run from here on is equivalent to one the search makes elsewhere. */
  redundant: boolean;
  /** The other clients the search may release at this step. */
  alternatives: number[];
}

/** A chooser that follows `prefix`, then takes the lowest allowed client; it records every step. */
function recordingChooser(prefix: readonly number[], steps: Step[], prune: boolean): ChooseNext {
  let previous: { client: number; sql: string; parked: Set<number> } | undefined;
  return ({ step, parked }) => {
    const allowed = parked.filter(
      (p) =>
        !(
          prune &&
          previous &&
          p.client < previous.client &&
          previous.parked.has(p.client) &&
          independent(previous.sql, p.sql)
        ),
    );
    let chosen = allowed[0]?.client ?? parked[0]!.client;
    if (step < prefix.length) {
      chosen = prefix[step]!;
      if (!parked.some((p) => p.client === chosen))
        throw new Error(
          `exhaustive search: client ${chosen} had no statement waiting at step ${step} of a replayed prefix; the target's statements depend on more than the schedule`,
        );
    }
    steps.push({
      chosen,
      parked: parked.length,
      redundant: !allowed.some((p) => p.client === chosen),
      alternatives: step < prefix.length ? [] : allowed.map((p) => p.client).filter((c) => c !== chosen),
    });
    previous = {
      client: chosen,
      sql: parked.find((p) => p.client === chosen)!.sql,
      parked: new Set(parked.map((p) => p.client)),
    };
    return chosen;
  };
}

/** The clients' programs: the target's planner on the scope's seed; the schedule is the search's. */
function caseOf(scope: ExhaustiveScope): ConcurrencyCase {
  return {
    seed: scope.seed,
    operationsPerClient: Array.from({ length: scope.clients }, () => scope.operations),
    keys: scope.keys,
    schedule: [],
  };
}

export async function exploreInterleavings(
  target: TargetDefinition,
  variant: string,
  pool: ServerPool,
  scope: ExhaustiveScope,
  /** Sees every judged run (tests compare the outcomes with and without pruning). */
  visit?: (run: CaseResult) => void,
): Promise<ExhaustiveResult> {
  const broken = target.variants[variant]!.broken;
  const kase = caseOf(scope);
  const result: ExhaustiveResult = {
    target: target.name,
    variant,
    broken,
    scope,
    interleavings: 0,
    failing: 0,
    unknown: 0,
    prunedChoices: 0,
    redundantRuns: 0,
    complete: false,
    passed: false,
  };
  // Depth first: the prefixes still to run, the latest pushed first.
  const pending: number[][] = [[]];
  while (pending.length > 0 && result.interleavings < scope.maxInterleavings) {
    const prefix = pending.pop()!;
    const steps: Step[] = [];
    const run = await runCase(target, variant, kase, pool, {
      choose: recordingChooser(prefix, steps, scope.prune ?? true),
    });
    const choices = steps.map((s) => s.chosen);
    // Past a redundant step every branch is equivalent to one made elsewhere: none is explored.
    const redundantAt = steps.findIndex((s, i) => i >= prefix.length && s.redundant);
    const end = redundantAt === -1 ? steps.length : redundantAt;
    for (let i = prefix.length; i < end; i++) {
      const step = steps[i]!;
      result.prunedChoices += step.parked - 1 - step.alternatives.length;
      // Pushed in reverse, so the lowest client's branch is explored next.
      for (const alternative of [...step.alternatives].reverse())
        pending.push([...choices.slice(0, i), alternative]);
    }
    if (redundantAt !== -1) {
      result.redundantRuns++;
      continue;
    }
    result.interleavings++;
    visit?.(run);
    if (run.verdict === 'invalid') {
      result.failing++;
      result.firstFailure ??= { choices, run };
    } else if (run.verdict === 'unknown') result.unknown++;
  }
  result.complete = pending.length === 0;
  result.passed = broken ? result.failing > 0 : result.failing === 0 && result.unknown === 0;
  return result;
}

const count = (n: number, noun: string, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;

/** One line a person reads: what held or broke, on how many interleavings, at what scope. */
export function summaryOf(result: ExhaustiveResult): string {
  const { clients, operations, keys, seed, maxInterleavings } = result.scope;
  const scope = `${count(clients, 'client')} x ${count(operations, 'operation')}, ${count(keys, 'key')}, seed ${seed}`;
  const of = `of ${count(result.interleavings, 'interleaving')}`;
  const verdict =
    result.failing > 0
      ? `${result.failing} ${of} break it`
      : result.unknown > 0
        ? `${result.unknown} ${of} could not be decided`
        : `all ${count(result.interleavings, 'interleaving holds', 'interleavings hold')}`;
  const bound = result.complete
    ? ''
    : `; stopped at the bound of ${maxInterleavings} interleavings, more remain (--max-interleavings)`;
  const pruned = `${count(result.prunedChoices, 'branch', 'branches')} pruned as equivalent, ${count(result.redundantRuns, 'redundant run')}`;
  return `${verdict} (${scope}; ${pruned}${bound})`;
}

/** The result as `property` reports it (property.json, terminal, HTML report). */
export function exhaustiveAsProperty(result: ExhaustiveResult): PropertyResult {
  const failure = result.firstFailure;
  return {
    target: result.target,
    variant: result.variant,
    broken: result.broken,
    strategy: 'exhaustive',
    held: result.failing === 0,
    passed: result.passed,
    runs: result.interleavings,
    seed: result.scope.seed,
    exhaustive: summaryOf(result),
    ...(failure
      ? {
          // Its choices as the case's schedule: listed, they replay this interleaving exactly.
          counterexample: describeCounterexample(
            { ...caseOf(result.scope), schedule: failure.choices },
            failure.run,
          ),
          text: formatTrace(failure.run),
        }
      : {}),
  };
}
