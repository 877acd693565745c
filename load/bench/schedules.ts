/**
 * PCT against uniform random schedules on every broken variant the
 * interleaving scheduler runs: median cases to the first failure over 20
 * seeds, side by side (properties/schedule-comparison.ts). The goal: the
 * default strategy finds every one on every seed within the budget.
 */

import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { DEFAULT_SCHEDULE_STRATEGY } from '../../properties/concurrency-property.ts';
import {
  compareSchedules,
  formatComparison,
  type ScheduleSubject,
} from '../../properties/schedule-comparison.ts';
import { bankTransfer } from '../../targets/bank-transfer/index.ts';
import { eventStore } from '../../targets/event-store/index.ts';
import { fkTimers } from '../../targets/fk-timers/index.ts';
import { mariadbUpsert } from '../../targets/mariadb-upsert/index.ts';
import { postgresVersioning } from '../../targets/postgres-versioning/index.ts';
import { postgresVersioningRetry } from '../../targets/postgres-versioning/retry.ts';

import type { BenchResult } from './table.ts';

/**
 * The built-in broken variants whose bug is an interleaving of SQL statements. Not here: the
 * durability mutants (they lose writes only when the server crashes), the targets whose
 * operations go through services over HTTP, and the txn targets, whose clients hold connections the
 * scheduler cannot gate (their broken variant reads outside the transaction on every schedule).
 */
export const SCHEDULED_MUTANTS: ScheduleSubject[] = [
  { target: postgresVersioning, variant: 'blind-update' },
  { target: postgresVersioningRetry, variant: 'retry-stale-value' },
  { target: mariadbUpsert, variant: 'select-then-insert' },
  { target: fkTimers, variant: 'no-foreign-key' },
  { target: bankTransfer, variant: 'retry-last-statement' },
  { target: eventStore, variant: 'no-expected-version' },
  { target: eventStore, variant: 'racy-snapshot' },
];

const OPTIONS = {
  seeds: Array.from({ length: 20 }, (_, i) => i + 1),
  maxCases: 50,
  limits: { maxClients: 3, maxOperations: 2, maxKeys: 2 },
};

export async function pctAgainstRandomSchedules(pool: ServerPool): Promise<BenchResult[]> {
  const rows = await compareSchedules(SCHEDULED_MUTANTS, pool, OPTIONS);
  console.log(formatComparison(rows, OPTIONS).replace(/^/gm, '  '));
  const missed = rows.filter((r) => r[DEFAULT_SCHEDULE_STRATEGY].found < OPTIONS.seeds.length);
  return [
    {
      kind: 'limit',
      measurement: `schedules: broken variants ${DEFAULT_SCHEDULE_STRATEGY} (the default) missed on a seed`,
      figure: missed.length,
      unit: `of ${rows.length}`,
      limit: 1,
      ...(missed.length ? { detail: missed.map((r) => `${r.target} / ${r.variant}`).join(', ') } : {}),
    },
  ];
}
