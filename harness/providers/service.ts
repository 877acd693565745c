/**
 * The user's service for one pass: started as a supervised child process on
 * a free loopback port (so crash, pause and restart faults reach it), or
 * found at its loopback URL. Either way it must answer before any workload
 * runs; if it does not, the run ends with exit 3 naming the address and why.
 */
import type { DatabaseKind } from '../core/database.ts';
import { EnvironmentError, UsageError } from '../core/errors.ts';
import { bareHost } from '../core/loopback.ts';
import { loopbackUrl, type RunningService, type StartedService, serviceEnv } from '../core/service.ts';
import type { ProcessTarget, SessionTarget } from './fault-environment.ts';
import { ownedTempDir } from './owned.ts';
import { freePort } from './ports.ts';
import { ServerProcess } from './server-process.ts';
import { parseDatabaseUrl } from './url.ts';

const DEFAULT_READY_TIMEOUT_MS = 15_000;
const PROBE_TIMEOUT_MS = 2000;

export interface RunningServiceProcess {
  url: string;
  protocol: string;
  host: string;
  port: number;
  processTarget: ProcessTarget;
  stop(): Promise<void>;
}

/** Why a request to the service failed, as the network said it (ECONNREFUSED...). */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  await response.body?.cancel();
  return response.ok;
}

export async function startService(
  spec: StartedService,
  run: { target: string; variant: string; databaseUrl?: string; clockEnv?: Record<string, string> },
): Promise<RunningServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const name = `service of ${run.target} (${spec.command})`;
  // The service's own folder for the pass: kept across crash restarts, removed when it stops.
  const dir = ownedTempDir(`chaos-service-${run.target.replace(/\W+/g, '-')}-`);
  const server = new ServerProcess({
    name,
    command: spec.command,
    args: spec.args ?? [],
    dir,
    spawnOptions: {
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
      env: {
        ...process.env,
        ...(run.databaseUrl ? { DATABASE_URL: run.databaseUrl } : {}),
        CHAOS_DATA_DIR: dir,
        ...serviceEnv(spec, run.variant),
        ...run.clockEnv,
        [spec.portEnv ?? 'PORT']: String(port),
      },
    },
    stopSignal: 'SIGTERM',
    isReady: () => answers(`${url}${spec.readyPath ?? '/'}`),
    readyTimeoutMs: spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    restartOnExit: true,
  });
  try {
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    throw new EnvironmentError(`${name} did not start on ${url}: ${(error as Error).message}`);
  }
  return {
    url,
    protocol: 'http:',
    host: '127.0.0.1',
    port,
    processTarget: { description: name, control: server },
    stop: () => server.stop(),
  };
}

/** A service the user runs: it must answer (any status) at its URL before the run starts. */
export async function reachService(spec: RunningService): Promise<RunningServiceProcess> {
  const url = loopbackUrl(spec.url, 'service.url');
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
  } catch (error) {
    throw new EnvironmentError(`service at ${url.origin} is unreachable (${causeOf(error)})`);
  }
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return {
    url: url.origin,
    protocol: url.protocol,
    host: bareHost(url.hostname),
    port,
    processTarget: { description: `service at ${url.origin} (not started by the harness)` },
    stop: async () => {},
  };
}

const KINDS: Record<string, DatabaseKind> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mariadb',
  'mariadb:': 'mariadb',
};

/** The service's own database, from its URL: the sessions of that database are what session faults end. */
export function databaseOfUrl(text: string): SessionTarget {
  const scheme = /^[a-z]+:/i.exec(text)?.[0].toLowerCase() ?? '';
  const kind = KINDS[scheme];
  if (!kind)
    throw new UsageError(
      `service.databaseUrl: use a postgres://, postgresql://, mysql:// or mariadb:// URL (got ${scheme || 'no scheme'})`,
    );
  const login = parseDatabaseUrl(kind, text);
  return { login, database: login.database };
}
