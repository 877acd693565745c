/**
 * The public API for users writing their own targets and config:
 *
 *   import { defineConfig, defineTarget, ok, fail, connectPostgres } from '<harness>/harness/index.ts';
 */
export type { Checker, CheckInput, CheckResult, Verdict, Violation } from './checkers/types.ts';
export { verdictOf } from './checkers/types.ts';
export { type ChaosConfig, defineConfig } from './config.ts';
export {
  adminQuery,
  connectMariaDb,
  connectPostgres,
  type MariaDbConnection,
  type PostgresClient,
} from './db.ts';
export type { Operation, Outcome } from './history.ts';
export type { ScenarioDefinition, WorkloadOptions } from './scenarios.ts';
export {
  defineTarget,
  fail,
  type OperationReturn,
  ok,
  type TargetContext,
  type TargetDefinition,
} from './target.ts';
export type { OperationPlanner, PlanContext } from './workload.ts';
