/**
 * The built-in scenarios of the txn targets: Elle's workloads at every
 * isolation level of Postgres and MariaDB, then with faults.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';
import type { TxnDatabase } from './levels.ts';

// Few keys at a time, as Elle runs it: contention is what shows the anomalies.
const workload = { workers: 8, keys: 3, durationMs: 3000 };

const plain = (database: TxnDatabase): ScenarioDefinition => ({
  name: `${database}-txn-anomalies`,
  description: `list-append and register transactions at each ${database === 'postgres' ? 'Postgres' : 'MariaDB'} isolation level, judged by what the level promises`,
  target: `${database}-txn`,
  workload,
});

/**
 * Unknown outcomes (info) from dropped connections and a crashed server must
 * not be mistaken for anomalies. At the levels with the most to lose (and
 * the broken variant): the others' runs without faults cover them.
 */
const withFaults = (database: TxnDatabase): ScenarioDefinition => ({
  name: `${database}-txn-anomalies-faults`,
  variants:
    database === 'postgres'
      ? ['repeatable-read', 'serializable', 'reads-outside-transaction']
      : ['read-committed', 'serializable', 'reads-outside-transaction'],
  description: `the same transactions while connections are killed and the ${database === 'postgres' ? 'Postgres' : 'MariaDB'} server is paused and crashed`,
  target: `${database}-txn`,
  workload: { ...workload, timeoutMs: 500 },
  faults: [
    { kind: 'kill-connection', startMs: 400, durationMs: 100 },
    { kind: 'pause', startMs: 1100, durationMs: 500 },
    { kind: 'crash', startMs: 2000, durationMs: 300 },
  ],
});

export const postgresTxnAnomalies = plain('postgres');
export const mariadbTxnAnomalies = plain('mariadb');
export const postgresTxnAnomaliesFaults = withFaults('postgres');
export const mariadbTxnAnomaliesFaults = withFaults('mariadb');
