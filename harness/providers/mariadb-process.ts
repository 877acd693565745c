/**
 * An ephemeral MariaDB server from the system's `mariadbd`: a fresh data
 * directory in a temp dir, a free loopback port, a generated password, and
 * everything removed when the run ends.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { type DatabaseServer, ProviderUnavailable } from '../core/database.ts';
import { registerSecret } from '../core/redact.ts';
import { STARTED_SERVER_CONNECTIONS } from './connection-room.ts';
import { ownedTempDir, runSetupCommand } from './owned.ts';
import { ServerProcess, startServerOnFreePort } from './server-process.ts';

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
  /** Where the server's port comes from (default: a free one; tests hand out a taken one first). */
  choosePort?: () => Promise<number>;
  /** Run it under SCHED_BATCH (`npm run bench` opts in; chaos runs keep the normal policy). */
  batchScheduling?: boolean;
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
  const dir = ownedTempDir('chaos-mariadb-');
  const dataDir = join(dir, 'data');
  const socket = join(dir, 'mariadb.sock');
  const userArgs = isRoot ? ['--user=root'] : [];
  try {
    await runSetupCommand(binaries.installDb, [
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

  // root may log in over the socket without a password; the harness itself uses a TCP user.
  const asRootOverSocket = () =>
    mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 1000 });
  const serverOn = (port: number) =>
    new ServerProcess({
      name: 'mariadbd',
      command: binaries.server,
      args: [
        '--no-defaults',
        `--datadir=${dataDir}`,
        ...userArgs,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${socket}`,
        `--pid-file=${join(dir, 'mariadbd.pid')}`,
        '--skip-name-resolve',
        `--max-connections=${STARTED_SERVER_CONNECTIONS}`,
        ...(options.serverArgs ?? []),
      ],
      dir,
      batchScheduling: options.batchScheduling ?? false,
      stopSignal: 'SIGTERM',
      isReady: async () => {
        const root = await asRootOverSocket();
        await root.end();
        return true;
      },
    });
  let started: { server: ServerProcess; port: number };
  try {
    started = await startServerOnFreePort(dir, serverOn, options.choosePort);
  } catch (error) {
    throw new ProviderUnavailable('process', (error as Error).message, 'see the MariaDB error above');
  }
  const { server, port } = started;

  const password = randomBytes(12).toString('hex');
  registerSecret(password);
  let version: string;
  try {
    version = await createHarnessUser(await asRootOverSocket(), password);
  } catch (error) {
    // The server is up but of no use: stop it here, nobody else holds it yet.
    await server.stop(1000);
    throw new ProviderUnavailable(
      'process',
      `MariaDB started but creating its user failed: ${(error as Error).message.split('\n')[0]}`,
      'check the MariaDB error above',
    );
  }

  return {
    kind: 'mariadb',
    provider: 'process',
    admin: { kind: 'mariadb', host: '127.0.0.1', port, user: 'chaos', password, database: 'mysql' },
    description: `MariaDB ${version} (local process, 127.0.0.1:${port})`,
    control: server,
    stop: () => server.stop(),
  };
}

/** The TCP user the harness logs in as; returns the server's version. */
async function createHarnessUser(root: mysql.Connection, password: string): Promise<string> {
  try {
    await root.query(`CREATE USER 'chaos'@'127.0.0.1' IDENTIFIED BY '${password}'`);
    await root.query(`GRANT ALL PRIVILEGES ON *.* TO 'chaos'@'127.0.0.1' WITH GRANT OPTION`);
    const [rows] = await root.query('SELECT VERSION() AS version');
    return (rows as { version: string }[])[0]?.version ?? 'unknown';
  } finally {
    await root.end().catch(() => root.destroy());
  }
}
