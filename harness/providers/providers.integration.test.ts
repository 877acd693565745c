/**
 * The process providers start real servers on loopback and leave nothing
 * behind: no process, no temp directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { adminQuery, connectMariaDb, connectPostgres } from '../db.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../testing/components.ts';
import { startMariaDbProcess } from './mariadb-process.ts';
import { startPostgresProcess } from './postgres-process.ts';

const listening = (port: number) =>
  spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim();

describeWith([await mariadbComponent()], 'MariaDB process provider', () => {
  it('starts mariadbd on a loopback port with a password, then removes it completely', async () => {
    const server = await startMariaDbProcess();
    expect(server.admin.host).toBe('127.0.0.1');
    expect(server.admin.password.length).toBeGreaterThanOrEqual(16);
    const connection = await connectMariaDb(server.admin);
    const [rows] = await connection.query('SELECT VERSION() AS v, @@bind_address AS bind');
    await connection.end();
    expect((rows as { v: string }[])[0]!.v).toMatch(/MariaDB/);
    expect((rows as { bind: string }[])[0]!.bind).toBe('127.0.0.1');
    await expect(adminQuery({ ...server.admin, password: 'wrong' }, ['SELECT 1'])).rejects.toThrow(
      /Access denied/,
    );
    expect(listening(server.admin.port)).toContain('127.0.0.1');
    await server.stop();
    expect(listening(server.admin.port)).toBe('');
    expect(spawnSync('pgrep', ['-f', `mariadbd.*port=${server.admin.port}`]).status).toBe(1);
  });
});

describeWith([await postgresComponent()], 'Postgres process provider', () => {
  it('starts Postgres (as a non-root user when root) on loopback, then removes it completely', async () => {
    const server = await startPostgresProcess();
    const client = await connectPostgres(server.admin);
    const row = (
      await client.query(
        "SELECT current_setting('listen_addresses') AS listen, current_setting('data_directory') AS dir",
      )
    ).rows[0];
    await client.end();
    expect(row.listen).toBe('127.0.0.1');
    expect(existsSync(row.dir)).toBe(true);
    const owner = spawnSync('stat', ['-c', '%U', row.dir], { encoding: 'utf8' }).stdout.trim();
    if (process.getuid?.() === 0) expect(owner).not.toBe('root');
    await server.stop();
    expect(existsSync(row.dir)).toBe(false);
    expect(listening(server.admin.port)).toBe('');
  });
});
