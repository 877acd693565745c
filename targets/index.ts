/** The built-in targets, by name. User targets come from chaos.config.ts. */
import type { TargetDefinition } from '../harness/target.ts';
import { bankTransfer } from './bank-transfer/index.ts';
import { crossService } from './cross-service/index.ts';
import { mariadbDurableWrites, postgresDurableWrites } from './durable-writes/index.ts';
import { fkTimers } from './fk-timers/index.ts';
import { mariadbUpsert } from './mariadb-upsert/index.ts';
import { postgresVersioning } from './postgres-versioning/index.ts';
import { saga } from './saga/index.ts';

export const builtinTargets: TargetDefinition[] = [
  mariadbUpsert,
  postgresVersioning,
  fkTimers,
  mariadbDurableWrites,
  postgresDurableWrites,
  bankTransfer,
  saga,
  crossService,
];
