/**
 * The public API for users writing their own targets and config:
 *
 *   import { defineConfig, defineTarget, ok, fail, connectPostgres } from '<harness>/harness/index.ts';
 */

export { type ChaosConfig, defineConfig } from './config/config.ts';
export type { Checker, CheckInput, CheckResult, Verdict, Violation } from './core/check.ts';
export { verdictOf } from './core/check.ts';
export type { Operation, Outcome } from './core/history.ts';
export type { ScenarioDefinition, WorkloadOptions } from './core/scenario.ts';
export {
  defineTarget,
  fail,
  type OperationFunction,
  type OperationReturn,
  ok,
  type PlannedCall,
  type RunContext,
  type TargetContext,
  type TargetDefinition,
  type ValueOf,
} from './core/target.ts';
export type { OperationPlanner, PlanContext } from './core/workload.ts';
export {
  adminQuery,
  connectMariaDb,
  connectPostgres,
  type MariaDbConnection,
  type PostgresClient,
} from './providers/db.ts';
