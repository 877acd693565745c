/**
 * The process providers start real servers on loopback and leave nothing
 * behind: no process, no temp directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * A child process starts a server in its own TMPDIR and exits (as a second
 * Ctrl-C does) once the server's temp directory exists, while its data
 * directory is still being initialised; returns what is left in that TMPDIR.
 */
function exitDuringInitialisation(module: string, start: string): string[] {
  const temp = mkdtempSync(join(tmpdir(), 'provider-exit-'));
  const script = join(temp, 'start.mts');
  writeFileSync(
    script,
    `import { readdirSync } from 'node:fs';
     import { ${start} } from ${JSON.stringify(join(import.meta.dirname, module))};
     const made = setInterval(() => {
       if (readdirSync(process.env.TMPDIR).some((name) => name.startsWith('chaos-'))) process.exit(130);
     }, 5);
     await ${start}();
     clearInterval(made);
     console.log('started before the exit');
     process.exit(0);\n`,
  );
  const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, TMPDIR: temp },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.stdout).not.toContain('started before the exit');
  expect(child.status).toBe(130);
  const left = readdirSync(temp).filter((name) => name.startsWith('chaos-'));
  rmSync(temp, { recursive: true, force: true });
  return left;
}

describeWith([await mariadbComponent(), await postgresComponent()], 'an exit mid-start', () => {
  it('leaves no temp directory behind while mariadb-install-db or initdb runs', () => {
    expect(exitDuringInitialisation('mariadb-process.ts', 'startMariaDbProcess')).toEqual([]);
    expect(exitDuringInitialisation('postgres-process.ts', 'startPostgresProcess')).toEqual([]);
  });
});
