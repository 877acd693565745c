/**
 * `chaos mutate` on real servers: the generated mutants of each built-in SQL
 * target's correct code include the hand-written broken variants (the
 * versionless update, the missing unique key, the missing foreign key), and
 * the checkers catch them; survivors are listed, not hidden.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../../harness/testing/components.ts';
import { fkTimers } from '../../targets/fk-timers/index.ts';
import { mariadbUpsert } from '../../targets/mariadb-upsert/index.ts';
import { type MutationReport, mutate } from './mutate.ts';

const pool = new ServerPool({ preference: 'auto', urls: {} });
afterAll(() => pool.stopAll());

const find = (report: MutationReport, operator: string, description: RegExp) =>
  report.mutants.find((m) => m.operator === operator && description.test(m.description));

describeWith([await postgresComponent()], 'mutants of postgres-versioning', () => {
  it('`chaos mutate` generates the versionless update and catches it; unused unique keys survive, listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-mutate-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const code = await main(['mutate', 'postgres-versioning', '--seed', '1', '--runs', '10', '--out', dir]);
      expect(code).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'mutation.json'), 'utf8')) as MutationReport;
      expect(report.statements).toContain('SELECT version, first_name FROM employee WHERE id = $1');
      const versionless = find(report, 'drop-where-conjunct', /^version = \$2 always true/)!;
      expect(versionless).toMatchObject({ caught: true });
      expect(versionless.violations).toContain('read-before-write');
      // The target never inserts: no invariant can see its unique keys go.
      expect(find(report, 'drop-constraint', /UNIQUE \(email_address\)/)).toMatchObject({ caught: false });
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('"mutants"');
      const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(printed).toMatch(/postgres-versioning: mutation score \d\/4 \(\d+%\), seed 1/);
      expect(printed).toMatch(
        /survivor: drop-constraint: employee without UNIQUE employee_email_address_key/,
      );
      expect(await main(['mutate', 'saga'])).toBe(2);
    } finally {
      log.mockRestore();
    }
  });
});

describeWith([await mariadbComponent()], 'mutants of the MariaDB targets', () => {
  it('mariadb-upsert: without the unique key on email, the upsert duplicates and is caught', async () => {
    const report = await mutate(mariadbUpsert, pool, { variant: 'correct', seed: 1, runs: 10 });
    expect(find(report, 'drop-constraint', /UNIQUE email_address/)).toMatchObject({ caught: true });
    expect(report.score).toBeGreaterThan(0);
  });

  it('fk-timers: without the foreign key, an orphan timer is caught', async () => {
    const report = await mutate(fkTimers, pool, { variant: 'correct', seed: 1, runs: 10 });
    const noForeignKey = find(report, 'drop-constraint', /FOREIGN KEY/)!;
    expect(noForeignKey).toMatchObject({ caught: true });
    expect(noForeignKey.violations).toContain('no-orphan-timer');
  });
});
