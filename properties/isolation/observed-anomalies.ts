/**
 * The txn workloads' anomalies beside the probes' verdicts. The probes say,
 * per level, which anomalies the database prevents in a fixed interleaving;
 * the txn targets run random transactions at the same levels and Elle's
 * checkers name every anomaly the histories show. An anomaly observed where
 * the probes say "prevented" means a probe misses a way the level lets it
 * through (or the database broke its promise): a contradiction.
 */
import { type AnomalyName, IMPOSSIBLE } from '../../harness/checkers/transactional/anomalies.ts';
import type { ProbeResult } from '../../harness/core/results.ts';
import { textTable } from '../../harness/core/text-table.ts';
import { anomalyVerdict } from './run-probes.ts';

/** What the txn workload showed at one level of one database: each anomaly and how often. */
export interface ObservedAnomalies {
  database: 'postgres' | 'mariadb';
  /** As the probes name it: `repeatable read`. */
  level: string;
  anomalies: Map<AnomalyName, number>;
  transactions: number;
}

/** The probe that tests each anomaly; G-nonadjacent is prohibited wherever G-single is (Adya's G-SI). */
export const PROBE_OF_ANOMALY: Partial<Record<AnomalyName, string>> = {
  G0: 'G0',
  G1a: 'G1a',
  G1b: 'G1b',
  G1c: 'G1c',
  'G-single': 'G-single',
  'G-nonadjacent': 'G-single',
  'lost-update': 'P4',
  'G2-item': 'G2-item',
};

/** Anomalies no level allows: the history itself is impossible. */
const NEVER_ALLOWED = new Set<AnomalyName>(IMPOSSIBLE);

/** Every anomaly observed at a level where no probe shows it (real-time ones: the probes do not test real time). */
export function contradictions(
  probes: readonly ProbeResult[],
  observed: readonly ObservedAnomalies[],
): string[] {
  const found: string[] = [];
  for (const { database, level, anomalies } of observed)
    for (const [name, count] of anomalies) {
      const at = `${database} ${level}`;
      if (NEVER_ALLOWED.has(name)) {
        found.push(`${at}: ${name} (${count}x), which no isolation level allows`);
        continue;
      }
      const probe = PROBE_OF_ANOMALY[name];
      if (probe && anomalyVerdict(probes, database, level, probe) === 'prevented')
        found.push(
          `${at}: the txn workload found ${name} (${count}x) where the ${probe} probes say prevented`,
        );
    }
  return found;
}

const ORDER: AnomalyName[] = [
  'G0',
  'G1a',
  'G1b',
  'G1c',
  'lost-update',
  'G-single',
  'G-nonadjacent',
  'G2-item',
  'G0-realtime',
  'G1c-realtime',
  'G-single-realtime',
  'G-nonadjacent-realtime',
  'G2-item-realtime',
];

/**
 * The txn workload's table, columns as the probes' table has them: a row per
 * anomaly found anywhere (with the probe it is compared with), each cell how
 * many times it was found at that level ("-" none).
 */
export function formatObservedTable(observed: readonly ObservedAnomalies[]): string {
  const columns = observed.map((o) => `${o.database} ${o.level}`);
  const names = new Set(observed.flatMap((o) => [...o.anomalies.keys()]));
  const rows = [
    ...ORDER.filter((n) => names.has(n)),
    ...[...names].filter((n) => !ORDER.includes(n)).sort(),
  ].map((name) => [
    PROBE_OF_ANOMALY[name] ? `${name} (probe ${PROBE_OF_ANOMALY[name]})` : name,
    ...observed.map((o) => String(o.anomalies.get(name) ?? '-')),
  ]);
  rows.push(['transactions', ...observed.map((o) => String(o.transactions))]);
  return textTable(['txn anomaly', ...columns], rows);
}
