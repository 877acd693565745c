import { expect, it } from 'vitest';
import type { ProbeResult } from '../../harness/core/results.ts';
import { contradictions, formatObservedTable, type ObservedAnomalies } from './observed-anomalies.ts';

const probe = (
  level: string,
  name: string,
  verdict: ProbeResult['verdict'],
  subCase?: string,
): ProbeResult => ({
  database: 'mariadb',
  level,
  probe: name,
  ...(subCase ? { subCase } : {}),
  verdict,
  detail: '',
});

const probes: ProbeResult[] = [
  probe('repeatable read', 'G-single', 'prevented', 'read-only'),
  probe('repeatable read', 'G-single', 'allowed', 'write predicate, read first'),
  probe('repeatable read', 'P4', 'allowed'),
  probe('serializable', 'G-single', 'prevented', 'read-only'),
  probe('serializable', 'G-single', 'prevented', 'write predicate, read first'),
  probe('serializable', 'G2-item', 'prevented'),
];

const observed = (level: string, anomalies: [string, number][]): ObservedAnomalies => ({
  database: 'mariadb',
  level,
  anomalies: new Map(anomalies) as ObservedAnomalies['anomalies'],
  transactions: 100,
});

it('an anomaly the txn workload found where every probe of it says prevented is a contradiction', () => {
  // Read skew at repeatable read: a sub-case of the probes shows it too, so no contradiction.
  expect(
    contradictions(probes, [
      observed('repeatable read', [
        ['G-single', 3],
        ['lost-update', 1],
      ]),
    ]),
  ).toEqual([]);
  expect(
    contradictions(probes, [
      observed('serializable', [
        ['G-nonadjacent', 1],
        ['G2-item-realtime', 2],
      ]),
    ]),
  ).toEqual([
    'mariadb serializable: the txn workload found G-nonadjacent (1x) where the G-single probes say prevented',
  ]);
  expect(contradictions(probes, [observed('serializable', [['internal', 2]])])).toEqual([
    'mariadb serializable: internal (2x), which no isolation level allows',
  ]);
});

it("the txn table has the probes' columns, a row per anomaly found and the probe it is held against", () => {
  const table = formatObservedTable([
    observed('repeatable read', [
      ['G-single', 3],
      ['lost-update', 1],
    ]),
    observed('serializable', []),
  ]);
  expect(table.split('\n')[0]).toMatch(/^txn anomaly +mariadb repeatable read +mariadb serializable$/);
  expect(table).toMatch(/lost-update \(probe P4\) +1 +-/);
  expect(table).toMatch(/G-single \(probe G-single\) +3 +-/);
  expect(table.indexOf('lost-update')).toBeLessThan(table.indexOf('G-single'));
  expect(table).toMatch(/transactions +100 +100/);
});
