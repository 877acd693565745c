/** The built-in targets and their scenarios, handed to the registry by the CLI. User targets come from chaos.config.ts. */
import type { ScenarioDefinition } from '../harness/core/scenario.ts';
import type { TargetDefinition } from '../harness/core/target.ts';
import { bankTransfer } from './bank-transfer/index.ts';
import { transferDeadlockRetry } from './bank-transfer/scenarios.ts';
import { choreography } from './choreography/index.ts';
import { choreographedSaga, choreographedSagaFaults } from './choreography/scenarios.ts';
import { cqrs } from './cqrs/index.ts';
import { cqrsReadModel, cqrsReadModelFaults } from './cqrs/scenarios.ts';
import { crossService } from './cross-service/index.ts';
import { crossServiceDelete } from './cross-service/scenarios.ts';
import { mariadbDurableWrites, postgresDurableWrites } from './durable-writes/index.ts';
import { mariadbDurabilityCrash, postgresDurabilityCrash } from './durable-writes/scenarios.ts';
import { eventStore } from './event-store/index.ts';
import { eventStoreCommands, eventStoreCommandsFaults } from './event-store/scenarios.ts';
import { fkTimers } from './fk-timers/index.ts';
import { fkMissingEmployee, fkMissingEmployeeFaults } from './fk-timers/scenarios.ts';
import { mariadbUpsert } from './mariadb-upsert/index.ts';
import { concurrentCreate, concurrentCreateFaults } from './mariadb-upsert/scenarios.ts';
import { postgresVersioning } from './postgres-versioning/index.ts';
import { postgresVersioningRetry } from './postgres-versioning/retry.ts';
import {
  staleVersionMutation,
  staleVersionMutationFaults,
  timingGrid,
  versionedRetry,
  versionedRetryFaults,
} from './postgres-versioning/scenarios.ts';
import { replicatedKv } from './replicated-kv/index.ts';
import { replicatedKvClockSkew, replicatedKvWrites } from './replicated-kv/scenarios.ts';
import { saga } from './saga/index.ts';
import { sagaOrders, sagaOrdersFaults, sagaOrdersLoad, sagaTimeouts } from './saga/scenarios.ts';
import { sagaTimeoutsTarget } from './saga/timeouts.ts';
import { mariadbTxn, postgresTxn } from './txn/index.ts';
import {
  mariadbTxnAnomalies,
  mariadbTxnAnomaliesFaults,
  postgresTxnAnomalies,
  postgresTxnAnomaliesFaults,
} from './txn/scenarios.ts';

export const builtinTargets: TargetDefinition[] = [
  mariadbUpsert,
  postgresVersioning,
  fkTimers,
  mariadbDurableWrites,
  postgresDurableWrites,
  bankTransfer,
  saga,
  crossService,
  postgresTxn,
  mariadbTxn,
  postgresVersioningRetry,
  eventStore,
  cqrs,
  sagaTimeoutsTarget,
  choreography,
  replicatedKv,
];

/** In the order a full run goes through them: the article's four demonstrations first, then with faults. */
export const builtinScenarios: ScenarioDefinition[] = [
  concurrentCreate,
  staleVersionMutation,
  timingGrid,
  fkMissingEmployee,
  staleVersionMutationFaults,
  concurrentCreateFaults,
  fkMissingEmployeeFaults,
  mariadbDurabilityCrash,
  postgresDurabilityCrash,
  transferDeadlockRetry,
  sagaOrders,
  crossServiceDelete,
  sagaOrdersLoad,
  sagaOrdersFaults,
  postgresTxnAnomalies,
  mariadbTxnAnomalies,
  postgresTxnAnomaliesFaults,
  mariadbTxnAnomaliesFaults,
  versionedRetry,
  versionedRetryFaults,
  eventStoreCommands,
  eventStoreCommandsFaults,
  cqrsReadModel,
  cqrsReadModelFaults,
  sagaTimeouts,
  choreographedSaga,
  choreographedSagaFaults,
  replicatedKvWrites,
  replicatedKvClockSkew,
];

export const builtins = { targets: builtinTargets, scenarios: builtinScenarios };
