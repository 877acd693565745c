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
import { schemaMutants } from './schema.ts';

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
  /** Caught / mutants that could be applied. */
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

/** What the correct variant sends and which constraints its schema has. */
async function discover(target: TargetDefinition, variant: string, pool: ServerPool) {
  const sent = new Set<string>();
  const record = (sql: string) => {
    sent.add(sql);
    return sql;
  };
  for (const seed of DISCOVERY_SEEDS) {
    const kase = { seed, operationsPerClient: [3, 3], keys: 2, schedule: [] };
    await runCase(target, variant, kase, pool, { mutation: { rewrite: record } });
  }
  // The schema as the target's setup leaves it, read while the scratch database exists.
  const programs = programsOf(target, { seed: 1, operationsPerClient: [1], keys: 1, schedule: [] });
  const schema = await runScheduled(
    { target, variant, seed: 1, keys: 1, programs, schedule: [] },
    pool,
    async (_, ctx) => schemaMutants(ctx.database),
  );
  return { sent, schema };
}

export async function mutate(
  target: TargetDefinition,
  pool: ServerPool,
  options: MutateOptions,
  onMutant?: (result: MutantResult, index: number, total: number) => void,
): Promise<MutationReport> {
  const { variant } = options;
  const { sent, schema } = await discover(target, variant, pool);
  const mutants: { operator: string; description: string; mutation: Mutation }[] = [
    ...statementMutants(sent).map((m) => ({ ...m, mutation: { rewrite: m.rewrite } })),
    ...schema.map((m) => ({ ...m, mutation: { afterSetup: m.statements } })),
  ];
  const results: MutantResult[] = [];
  for (const [index, mutant] of mutants.entries()) {
    let result: MutantResult;
    try {
      // One plain case first: a mutant that cannot be applied (a constraint another depends on)
      // throws here, and is reported as such rather than counted as caught.
      await runCase(target, variant, { seed: 1, operationsPerClient: [1], keys: 1, schedule: [] }, pool, {
        mutation: mutant.mutation,
      });
      const property = await runProperty(target, variant, pool, {
        runs: options.runs,
        seed: options.seed,
        endOnFailure: true,
        mutation: mutant.mutation,
        ...(options.limits ? { limits: options.limits } : {}),
      });
      result = {
        operator: mutant.operator,
        description: mutant.description,
        caught: !property.held,
        cases: property.runs,
        violations: [...new Set((property.counterexample?.violations ?? []).map((v) => v.invariant))],
      };
    } catch (error) {
      result = {
        operator: mutant.operator,
        description: mutant.description,
        caught: false,
        cases: 0,
        violations: [],
        error: (error as Error).message.split('\n')[0]!,
      };
    }
    results.push(result);
    onMutant?.(result, index, mutants.length);
  }
  const applied = results.filter((r) => !r.error);
  return {
    target: target.name,
    variant,
    seed: options.seed,
    statements: [...sent].sort(),
    mutants: results,
    score: applied.length ? applied.filter((r) => r.caught).length / applied.length : 0,
  };
}

/** The correct variant mutants are made of: `correct`, else the target's only correct one. */
export function variantToMutate(target: TargetDefinition): string | undefined {
  if (target.variants.correct?.broken === false) return 'correct';
  const correct = Object.keys(target.variants).filter((v) => !target.variants[v]!.broken);
  return correct.length === 1 ? correct[0] : undefined;
}
