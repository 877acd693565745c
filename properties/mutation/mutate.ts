/**
 * `chaos mutate TARGET`: the target's correct code under generated mutants,
 * each run as a property (generated clients, operations and schedules) until
 * the checkers catch it or the budget runs out. The mutation score says how
 * much of what the code does the invariants actually guard; each survivor is
 * listed with its operator and statement, so a user can tell a weak invariant
 * from a change that does not matter.
 *
 * The mutants come from what the correct variant does: a few discovery cases
 * record every statement it sends (statement mutants, operators.ts), and the
 * database's catalog after its setup gives the constraints (schema.ts).
 */
import type { TargetDefinition } from '../../harness/core/target.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { type CaseLimits, type Mutation, programsOf, runCase } from '../concurrency-property.ts';
import { runProperty } from '../property-run.ts';
import { runScheduled } from '../scheduler/scheduled-run.ts';
import { statementMutants } from './operators.ts';
import { type SchemaMutant, schemaMutants } from './schema.ts';

export interface MutantResult {
  operator: string;
  description: string;
  caught: boolean;
  /** Cases run until the first failing one (or the whole budget for a survivor). */
  cases: number;
  /** The invariants that caught it. */
  violations: string[];
  /** Set when the mutant could not be applied (a constraint another one depends on, say). */
  error?: string;
}

export interface MutationReport {
  target: string;
  variant: string;
  seed: number;
  /** Distinct statements the correct variant sent in the discovery cases. */
  statements: string[];
  mutants: MutantResult[];
  /** Mutants caught, of those that could be applied. */
  caught: number;
  applied: number;
  /** caught / applied. */
  score: number;
}

export interface MutateOptions {
  /** The variant whose code is mutated: a correct one. */
  variant: string;
  seed: number;
  /** Cases per mutant before it counts as surviving. */
  runs: number;
  limits?: CaseLimits;
}

const DISCOVERY_SEEDS = [1, 2, 3, 4, 5];

/** A case too small to race: one client, one operation. */
const ONE_OPERATION = { seed: 1, operationsPerClient: [1], keys: 1, schedule: [] };

/**
 * What the correct variant sends, over a few cases of two clients, and which constraints its schema
 * has, read from the first case's database while it exists.
 */
async function discover(target: TargetDefinition, variant: string, pool: ServerPool) {
  const sent = new Set<string>();
  const rewrite = (sql: string) => {
    sent.add(sql);
    return sql;
  };
  let schema: SchemaMutant[] = [];
  for (const seed of DISCOVERY_SEEDS) {
    const kase = { seed, operationsPerClient: [3, 3], keys: 2, schedule: [] };
    const run = {
      target,
      variant,
      seed,
      keys: kase.keys,
      programs: programsOf(target, kase),
      schedule: [],
      rewrite,
    };
    await runScheduled(run, pool, async (_, ctx) => {
      if (seed === DISCOVERY_SEEDS[0]) schema = await schemaMutants(ctx.database);
    });
  }
  return { sent, schema };
}

/** One mutant run as a property until the checkers catch it or the cases run out. */
async function runMutant(
  target: TargetDefinition,
  pool: ServerPool,
  options: MutateOptions,
  mutant: { operator: string; description: string; mutation: Mutation },
): Promise<MutantResult> {
  const { operator, description, mutation } = mutant;
  try {
    // A schema mutant that cannot be applied (an index a foreign key needs) throws here, once,
    // and is reported as not applied rather than counted as caught by the property.
    if (mutation.afterSetup) await runCase(target, options.variant, ONE_OPERATION, pool, { mutation });
    const property = await runProperty(target, options.variant, pool, {
      runs: options.runs,
      seed: options.seed,
      endOnFailure: true,
      mutation,
      ...(options.limits ? { limits: options.limits } : {}),
    });
    const violations = (property.counterexample?.violations ?? []).map((v) => v.invariant);
    return {
      operator,
      description,
      caught: !property.held,
      cases: property.runs,
      violations: [...new Set(violations)],
    };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!;
    return { operator, description, caught: false, cases: 0, violations: [], error: reason };
  }
}

export async function mutate(
  target: TargetDefinition,
  pool: ServerPool,
  options: MutateOptions,
  onMutant?: (result: MutantResult, index: number, total: number) => void,
): Promise<MutationReport> {
  const { sent, schema } = await discover(target, options.variant, pool);
  const mutants = [
    ...statementMutants(sent).map((m) => ({ ...m, mutation: { rewrite: m.rewrite } })),
    ...schema.map((m) => ({ ...m, mutation: { afterSetup: m.statements } })),
  ];
  const results: MutantResult[] = [];
  for (const [index, mutant] of mutants.entries()) {
    results.push(await runMutant(target, pool, options, mutant));
    onMutant?.(results.at(-1)!, index, mutants.length);
  }
  const applied = results.filter((r) => !r.error).length;
  const caught = results.filter((r) => r.caught).length;
  return {
    target: target.name,
    variant: options.variant,
    seed: options.seed,
    statements: [...sent].sort(),
    mutants: results,
    caught,
    applied,
    score: applied ? caught / applied : 0,
  };
}

/** The correct variant mutants are made of: `correct`, else the target's only correct one. */
export function variantToMutate(target: TargetDefinition): string | undefined {
  if (target.variants.correct?.broken === false) return 'correct';
  const correct = Object.keys(target.variants).filter((v) => !target.variants[v]!.broken);
  return correct.length === 1 ? correct[0] : undefined;
}
