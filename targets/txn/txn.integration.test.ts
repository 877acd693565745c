/**
 * The txn workload beside the isolation probes, on real Postgres and
 * MariaDB: every anomaly Elle's checkers find in the workload's histories at
 * a level must be one the probes show that level allowing. One found where
 * the probes say "prevented" fails the test: a probe misses a way through.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { observeTxnAnomalies } from '../../harness/cli/txn-anomalies.ts';
import type { ProbeResult } from '../../harness/core/results.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../../harness/testing/components.ts';
import {
  contradictions,
  formatObservedTable,
  type ObservedAnomalies,
} from '../../properties/isolation/observed-anomalies.ts';
import { formatIsolationTable, runIsolationProbes } from '../../properties/isolation/run-probes.ts';

const pool = new ServerPool({ preference: 'auto', urls: {} });
afterAll(() => pool.stopAll());

describeWith(
  [await postgresComponent(), await mariadbComponent()],
  'the txn workload beside the probes',
  () => {
    it('finds no anomaly at a level where the probes say it is prevented, and finds the ones weak levels allow', async () => {
      const probes: ProbeResult[] = await runIsolationProbes(['postgres', 'mariadb'], pool);
      const observed: ObservedAnomalies[] = [];
      const outDir = mkdtempSync(join(tmpdir(), 'txn-it-'));
      await observeTxnAnomalies(
        ['postgres', 'mariadb'],
        pool,
        { seed: 7, outDir, durationMs: 1000 },
        (run, seen) => {
          expect(run.error, `${run.variant}: ${run.error}`).toBeUndefined();
          expect(run.verdict, `${seen.database} ${seen.level}: ${JSON.stringify(run.checks)}`).toBe('valid');
          observed.push(seen);
        },
      );
      const tables = `${formatIsolationTable(probes)}\n\n${formatObservedTable(observed)}`;
      expect(contradictions(probes, observed), tables).toEqual([]);
      expect(observed.map((o) => `${o.database} ${o.level}`)).toEqual([
        'postgres read committed',
        'postgres repeatable read',
        'postgres serializable',
        'mariadb read uncommitted',
        'mariadb read committed',
        'mariadb repeatable read',
        'mariadb serializable',
      ]);
      for (const o of observed) expect(o.transactions, `${o.database} ${o.level}`).toBeGreaterThan(50);
      const at = (database: string, level: string) =>
        observed.find((o) => o.database === database && o.level === level)!;
      // Positive controls: the weak levels show what they allow, so a quiet checker would be noticed.
      expect(at('mariadb', 'read uncommitted').anomalies.get('G1b') ?? 0, tables).toBeGreaterThan(0);
      expect(at('mariadb', 'read committed').anomalies.get('G-single') ?? 0, tables).toBeGreaterThan(0);
      expect(at('mariadb', 'repeatable read').anomalies.get('lost-update') ?? 0, tables).toBeGreaterThan(0);
      // Serializable shows none.
      expect([...at('postgres', 'serializable').anomalies.keys()], tables).toEqual([]);
      expect([...at('mariadb', 'serializable').anomalies.keys()], tables).toEqual([]);
    });
  },
);
