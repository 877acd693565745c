/**
 * The bare loops on real servers: every transaction they count happened on
 * the database (versions add up), and their figure is per second.
 */
import { afterAll, expect, it } from 'vitest';
import { adminQuery, connectMariaDb, connectPostgres } from '../../harness/providers/db.ts';
import { createScratchDatabase } from '../../harness/providers/scratch-database.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../../harness/testing/components.ts';
import { EMPLOYEE_TABLE as UPSERT_TABLE } from '../../targets/mariadb-upsert/index.ts';
import { EMPLOYEE_TABLE, seedRows } from '../../targets/postgres-versioning/index.ts';
import { bareMariadbUpsert, barePostgresVersionedUpdate } from './bare-loops.ts';

const pool = new ServerPool({ preference: 'auto', urls: {} });
afterAll(() => pool.stopAll());

describeWith([await postgresComponent()], 'the bare pg loop', () => {
  it('runs versioned updates for the time asked; each that matched its version bumped it once', async () => {
    const scratch = await createScratchDatabase(await pool.get('postgres'));
    try {
      await adminQuery(scratch.info, [EMPLOYEE_TABLE, seedRows(10)]);
      const perSecond = await barePostgresVersionedUpdate(scratch.info, { workers: 4, rows: 10, seconds: 1 });
      const client = await connectPostgres(scratch.info);
      const { rows } = await client.query('SELECT SUM(version - 1)::int AS updates FROM employee');
      await client.end();
      // Every transaction counted either updated its row or lost to a concurrent one (a conflict).
      expect(rows[0].updates).toBeGreaterThan(0);
      expect(rows[0].updates).toBeLessThanOrEqual(perSecond);
    } finally {
      await scratch.drop();
    }
  });
});

describeWith([await mariadbComponent()], 'the bare mysql2 loop', () => {
  it('runs exactly the upserts asked, each taking effect once', async () => {
    const scratch = await createScratchDatabase(await pool.get('mariadb'));
    try {
      await adminQuery(scratch.info, [UPSERT_TABLE]);
      const perSecond = await bareMariadbUpsert(scratch.info, { workers: 4, upserts: 400, emails: 50 });
      expect(perSecond).toBeGreaterThan(0);
      const connection = await connectMariaDb(scratch.info);
      const [rows] = await connection.query('SELECT COUNT(*) AS n, SUM(version) AS upserts FROM employee');
      await connection.end();
      const { n, upserts } = (rows as { n: number; upserts: number }[])[0]!;
      expect(Number(upserts)).toBe(400); // deadlocks retried, none lost
      expect(Number(n)).toBeLessThanOrEqual(50);
    } finally {
      await scratch.drop();
    }
  });
});
