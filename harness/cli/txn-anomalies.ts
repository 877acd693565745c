/**
 * The txn workload at every isolation level of Postgres and MariaDB, for
 * `chaos isolation`: each level's run, and the anomalies Elle's checkers
 * found in it, allowed or not, to set beside the probes' table.
 */

import type { ObservedAnomalies } from '../../properties/isolation/observed-anomalies.ts';
import { mariadbTxn, postgresTxn } from '../../targets/txn/index.ts';
import { LEVELS, type TxnDatabase } from '../../targets/txn/levels.ts';
import { mariadbTxnAnomalies, postgresTxnAnomalies } from '../../targets/txn/scenarios.ts';
import type { AnomalyName } from '../checkers/transactional/anomalies.ts';
import { anomaliesCounted } from '../checkers/transactional/checker.ts';
import type { RunResult } from '../core/results.ts';
import { runScenario } from '../core/runner.ts';
import type { ServerPool } from '../providers/server-pool.ts';
import { runEnvironment } from './environment.ts';

const BY_DATABASE = {
  postgres: { target: postgresTxn, scenario: postgresTxnAnomalies },
  mariadb: { target: mariadbTxn, scenario: mariadbTxnAnomalies },
} as const;

/** What the checkers of one run found, as the table counts it. */
export function observedIn(database: TxnDatabase, level: string, run: RunResult): ObservedAnomalies {
  const anomalies = new Map<AnomalyName, number>();
  let transactions = 0;
  for (const check of run.checks) {
    transactions += check.metrics?.transactions ?? 0;
    for (const [name, count] of anomaliesCounted(check.metrics))
      anomalies.set(name, (anomalies.get(name) ?? 0) + count);
  }
  return { database, level, anomalies, transactions };
}

export async function observeTxnAnomalies(
  databases: TxnDatabase[],
  pool: ServerPool,
  settings: { seed: number; outDir: string; durationMs: number; signal?: AbortSignal },
  onRun: (run: RunResult, observed: ObservedAnomalies) => void,
): Promise<void> {
  for (const database of databases)
    for (const level of LEVELS[database]) {
      if (settings.signal?.aborted) return;
      const { target, scenario } = BY_DATABASE[database];
      const run = await runScenario(scenario, target, level.variant, runEnvironment(pool), settings);
      onRun(run, observedIn(database, level.sql.toLowerCase(), run));
    }
}
