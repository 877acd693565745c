/**
 * An ephemeral MariaDB server from the system's `mariadbd`: a fresh data
 * directory in a temp dir, a free loopback port, a generated password, and
 * everything removed when the run ends.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { registerSecret } from '../redact.ts';
import { captureOutput, spawnOwned, stopProcess } from './child-processes.ts';
import { freePort } from './ports.ts';
import { type DatabaseServer, ProviderUnavailable } from './types.ts';

const run = promisify(execFile);
const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin'];
const isRoot = process.getuid?.() === 0;

export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...SEARCH_PATH];
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

export function mariaDbBinaries(): { server: string; installDb: string } | undefined {
  const server = findBinary('mariadbd') ?? findBinary('mysqld');
  const installDb = findBinary('mariadb-install-db') ?? findBinary('mysql_install_db');
  return server && installDb ? { server, installDb } : undefined;
}

export interface MariaDbProcessOptions {
  /** Extra server options, e.g. `--innodb-flush-log-at-trx-commit=0` for a durability mutant. */
  serverArgs?: string[];
}

export async function startMariaDbProcess(options: MariaDbProcessOptions = {}): Promise<DatabaseServer> {
  const binaries = mariaDbBinaries();
  if (!binaries) {
    throw new ProviderUnavailable(
      'process',
      'mariadbd / mariadb-install-db not found',
      'install it with `apt-get install -y mariadb-server` (or run `npm run setup`)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'chaos-mariadb-'));
  const dataDir = join(dir, 'data');
  const socket = join(dir, 'mariadb.sock');
  const userArgs = isRoot ? ['--user=root'] : [];
  try {
    await run(binaries.installDb, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      ...userArgs,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new ProviderUnavailable(
      'process',
      `mariadb-install-db failed: ${(error as Error).message.split('\n')[0]}`,
      'check that mariadb-server is installed completely',
    );
  }

  const port = await freePort();
  const child = spawnOwned(
    binaries.server,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      ...userArgs,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mariadbd.pid')}`,
      '--skip-name-resolve',
      '--max-connections=1000',
      ...(options.serverArgs ?? []),
    ],
    dir,
  );
  const output = captureOutput(child);
  const password = randomBytes(12).toString('hex');
  registerSecret(password);

  // Wait for the socket to accept root, then create the TCP user the harness uses.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new ProviderUnavailable(
        'process',
        `mariadbd exited during start-up: ${output().trim().split('\n').slice(-3).join(' | ')}`,
        'see the MariaDB error above',
      );
    }
    try {
      const root = await mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 1000 });
      await root.query(`CREATE USER 'chaos'@'127.0.0.1' IDENTIFIED BY '${password}'`);
      await root.query(`GRANT ALL PRIVILEGES ON *.* TO 'chaos'@'127.0.0.1' WITH GRANT OPTION`);
      await root.end();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stopProcess(child, 1000);
        rmSync(dir, { recursive: true, force: true });
        throw new ProviderUnavailable(
          'process',
          `mariadbd did not accept connections within 30 s (${(error as Error).message})`,
          'see the MariaDB error log',
        );
      }
      await sleep(100);
    }
  }
  const version =
    /Version: '([^']+)'/.exec(output())?.[1] ??
    (existsSync(join(dataDir, 'mysql_upgrade_info'))
      ? readFileSync(join(dataDir, 'mysql_upgrade_info'), 'utf8').trim()
      : 'unknown');

  return {
    kind: 'mariadb',
    provider: 'process',
    admin: { kind: 'mariadb', host: '127.0.0.1', port, user: 'chaos', password, database: 'mysql' },
    description: `MariaDB ${version} (local process, 127.0.0.1:${port})`,
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
