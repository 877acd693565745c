/**
 * Isolation probes on real Postgres and MariaDB, checked against what the
 * databases document (and Hermitage measured): a probe must report an anomaly
 * where the level permits it and "prevented" where the level forbids it.
 */
import { afterAll, expect, it } from 'vitest';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../../harness/testing/components.ts';
import { PROBES } from './probes.ts';
import { anomalyVerdict, formatIsolationTable, runProbe } from './run-probes.ts';

const pool = new ServerPool({ preference: 'auto', urls: {} });
afterAll(() => pool.stopAll());

/** A probe by anomaly, and by sub-case when it has several (the first otherwise). */
const probe = (name: string, subCase?: string) =>
  PROBES.find((p) => p.name === name && (subCase === undefined || p.subCase === subCase))!;

describeWith([await postgresComponent()], 'isolation probes on Postgres', () => {
  it('read committed lets a lost update and read skew through; repeatable read stops both', async () => {
    expect((await runProbe('postgres', 'read committed', probe('P4'), pool)).verdict).toBe('allowed');
    expect((await runProbe('postgres', 'read committed', probe('G-single'), pool)).verdict).toBe('allowed');
    const p4 = await runProbe('postgres', 'repeatable read', probe('P4'), pool);
    expect(p4).toMatchObject({ verdict: 'prevented' });
    expect(p4.detail).toMatch(/could not serialize/);
    expect((await runProbe('postgres', 'repeatable read', probe('G-single'), pool)).verdict).toBe(
      'prevented',
    );
  });

  it('repeatable read (snapshot isolation) allows write skew; serializable prevents it', async () => {
    expect((await runProbe('postgres', 'repeatable read', probe('G2-item'), pool)).verdict).toBe('allowed');
    expect((await runProbe('postgres', 'serializable', probe('G2-item'), pool)).verdict).toBe('prevented');
    expect((await runProbe('postgres', 'serializable', probe('G2'), pool)).verdict).toBe('prevented');
  });

  it('read committed shows predicate-many-preceders, repeatable read stops it; no level lets an observed transaction vanish', async () => {
    // PMP's positive control: its check is seen to fire, not only to stay quiet.
    expect((await runProbe('postgres', 'read committed', probe('PMP'), pool)).verdict).toBe('allowed');
    expect((await runProbe('postgres', 'repeatable read', probe('PMP'), pool)).verdict).toBe('prevented');
    // At read committed the reader sees T1's row 1, then T2's later row 2: a non-repeatable read, not OTV
    // (Hermitage: Postgres prevents OTV at every level).
    for (const level of ['read committed', 'repeatable read'] as const)
      expect((await runProbe('postgres', level, probe('OTV'), pool)).verdict, level).toBe('prevented');
  });

  it("repeatable read stops read skew on write predicates too, and serializable stops Fekete's read-only anomaly, which snapshot isolation lets through", async () => {
    for (const subCase of [
      'write predicate, read first',
      'write predicate, written first',
      'predicate reads',
    ]) {
      expect(
        (await runProbe('postgres', 'read committed', probe('G-single', subCase), pool)).verdict,
        subCase,
      ).toBe('allowed');
      expect(
        (await runProbe('postgres', 'repeatable read', probe('G-single', subCase), pool)).verdict,
        subCase,
      ).toBe('prevented');
    }
    expect(
      (await runProbe('postgres', 'read committed', probe('PMP', 'write predicate'), pool)).verdict,
    ).toBe('allowed');
    expect(
      (await runProbe('postgres', 'repeatable read', probe('PMP', 'write predicate'), pool)).verdict,
    ).toBe('prevented');
    expect(
      (await runProbe('postgres', 'repeatable read', probe('G2', 'Fekete read-only'), pool)).verdict,
    ).toBe('allowed');
    const fekete = await runProbe('postgres', 'serializable', probe('G2', 'Fekete read-only'), pool);
    expect(fekete).toMatchObject({ verdict: 'prevented', subCase: 'Fekete read-only' });
    expect(fekete.detail).toMatch(/could not serialize/);
  });

  it('no level reads uncommitted or aborted data', async () => {
    for (const name of ['G0', 'G1a', 'G1b', 'G1c'])
      expect((await runProbe('postgres', 'read committed', probe(name), pool)).verdict, name).toBe(
        'prevented',
      );
  });
});

describeWith([await mariadbComponent()], 'isolation probes on MariaDB', () => {
  it('read uncommitted reads aborted and intermediate data; read committed does not', async () => {
    expect((await runProbe('mariadb', 'read uncommitted', probe('G1a'), pool)).verdict).toBe('allowed');
    expect((await runProbe('mariadb', 'read uncommitted', probe('G1b'), pool)).verdict).toBe('allowed');
    expect((await runProbe('mariadb', 'read committed', probe('G1a'), pool)).verdict).toBe('prevented');
    // G1c's positive control (Postgres never allows it): circular information flow through uncommitted reads.
    expect((await runProbe('mariadb', 'read uncommitted', probe('G1c'), pool)).verdict).toBe('allowed');
    expect((await runProbe('mariadb', 'read committed', probe('G1c'), pool)).verdict).toBe('prevented');
  });

  it('serializable prevents write skew and predicate anomalies', async () => {
    expect((await runProbe('mariadb', 'serializable', probe('G2-item'), pool)).verdict).toBe('prevented');
    expect((await runProbe('mariadb', 'serializable', probe('G2'), pool)).verdict).toBe('prevented');
    expect((await runProbe('mariadb', 'repeatable read', probe('G2-item'), pool)).verdict).toBe('allowed');
  });

  it('repeatable read prevents read skew for read-only transactions only: a write predicate sees past its snapshot', async () => {
    const results = [];
    for (const p of PROBES.filter((p) => p.name === 'G-single'))
      results.push(await runProbe('mariadb', 'repeatable read', p, pool));
    expect(results.find((r) => r.subCase === 'read-only')?.verdict).toBe('prevented');
    expect(results.find((r) => r.subCase === 'write predicate, read first')?.verdict).toBe('allowed');
    expect(anomalyVerdict(results, 'mariadb', 'repeatable read', 'G-single')).toBe('read-only only');
    expect(formatIsolationTable(results)).toMatch(/G-single, any +read-only only/);
    const serializable = await runProbe(
      'mariadb',
      'serializable',
      probe('G-single', 'write predicate, read first'),
      pool,
    );
    expect(serializable.verdict).toBe('prevented');
  });
});
