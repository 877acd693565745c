/**
 * The public API for users writing their own targets and config, and running
 * scenarios from their own programs and tests (the package's main export):
 *
 *   import { defineConfig, defineTarget, ok, fail, connectPostgres, runScenario } from 'concurrency-chaos-harness';
 */

// Checkers: general ones that read a user's shapes through accessors, and the built-in targets' presets.
export {
  type AcknowledgedWritesSurviveOptions,
  acknowledgedWritesSurvive,
} from './checkers/acknowledged-writes-survive.ts';
export { type DurableState, durability } from './checkers/durability.ts';
export type { CheckerLabel, Key, OperationField, RowField, RowsOf } from './checkers/fields.ts';
export {
  checkLinearizable,
  type LinearizabilityOptions,
  type LinearizabilityResult,
  linearOperations,
} from './checkers/linearizable/check.ts';
export { type LinearizableOptions, linearizable } from './checkers/linearizable/checker.ts';
export type { LinearOperation, Model } from './checkers/linearizable/model.ts';
export * as models from './checkers/linearizable/models.ts';
export {
  INITIAL_TOKEN,
  type NoLostUpdateOptions,
  noLostUpdate,
  type TokenFields,
  type VersionedRow,
} from './checkers/lost-update.ts';
export {
  type ChildCreates,
  type NoDanglingReferencesOptions,
  noDanglingReferences,
  type ParentDeletes,
} from './checkers/no-dangling-references.ts';
export { type EmployeeRef, noOrphans, type TimerRow, type TimerState } from './checkers/no-orphans.ts';
export {
  type Anomaly,
  type AnomalyName,
  CONSISTENCY_MODELS,
  type ConsistencyModel,
  checkListAppend,
  type MicroOp,
  type Transaction,
  type TransactionalResult,
} from './checkers/transactional/list-append.ts';
export {
  checkRwRegister,
  type RegisterOp,
  type RegisterTransaction,
} from './checkers/transactional/rw-register.ts';
export { type EmployeeRow, uniqueAlternateKey } from './checkers/unique-alternate-key.ts';
export {
  type IdentityFields,
  type UniqueByOptions,
  uniqueBy,
  type VersionFields,
} from './checkers/unique-by.ts';
// Running a scenario from a program or a test, as `chaos run --scenario` does (the CLI wires the servers).
export {
  type ProvingOperation,
  type RunScenarioOptions,
  runScenario,
  type ScenarioResults,
  type ScenarioRun,
  type ViolationView,
} from './cli/api.ts';
export { type ChaosConfig, defineConfig } from './config/config.ts';
export type { Checker, CheckInput, CheckResult, Verdict, Violation } from './core/check.ts';
export { verdictOf } from './core/check.ts';
export type { Operation, Outcome } from './core/history.ts';
export {
  defineHttpTarget,
  type HttpClient,
  type HttpOperation,
  type HttpResponse,
  type HttpTargetContext,
  type HttpTargetDefinition,
  httpClient,
} from './core/http-target.ts';
export type { RunResult, SuiteResults } from './core/results.ts';
export type { ScenarioDefinition, WorkloadOptions } from './core/scenario.ts';
export type { RunningService, ServiceEndpoint, ServiceSpec, StartedService } from './core/service.ts';
export {
  defineTarget,
  fail,
  type OperationContext,
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
