/**
 * Databases in containers via testcontainers, for machines with a Docker
 * engine. Loaded lazily so machines without Docker never pay for it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import {
  DATABASE_NAMES,
  type DatabaseKind,
  type DatabaseServer,
  ProviderUnavailable,
  type ServerControl,
} from '../core/database.ts';
import { bareHost, isLoopbackHost } from '../core/loopback.ts';
import { registerSecret } from '../core/redact.ts';

/**
 * Crash for a container: killed without grace and started again in one
 * call (testcontainers' restart with a zero timeout). Containers cannot be
 * paused here: pause needs the process provider.
 */
export function containerControl(container: {
  restart(options?: { timeout: number }): Promise<void>;
}): ServerControl {
  return {
    restartsImmediately: true,
    isPaused: false,
    crash: () => container.restart({ timeout: 0 }),
    restart: async () => {},
  };
}

export const CONTAINER_IMAGES: Record<DatabaseKind, string> = {
  mariadb: 'mariadb:10.11',
  postgres: 'postgres:18',
};

/**
 * The host of a DOCKER_HOST engine on another machine. Its containers' ports
 * would not be on this machine's loopback, and the harness targets nothing else.
 */
export function remoteDockerHost(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dockerHost = env.DOCKER_HOST;
  if (!dockerHost?.startsWith('tcp://')) return undefined;
  const host = new URL(dockerHost.replace('tcp://', 'http://')).hostname;
  return isLoopbackHost(host) ? undefined : host;
}

/** Where a local Docker engine would answer: DOCKER_HOST (unix, or tcp on loopback) or the default socket. */
export function dockerEndpoint(
  env: NodeJS.ProcessEnv = process.env,
): { socketPath: string } | { host: string; port: number } | undefined {
  const dockerHost = env.DOCKER_HOST;
  if (dockerHost?.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost?.startsWith('tcp://')) {
    if (remoteDockerHost(env)) return undefined;
    const url = new URL(dockerHost.replace('tcp://', 'http://'));
    // http.request takes an IPv6 host without its URL brackets.
    return { host: bareHost(url.hostname), port: Number(url.port || 2375) };
  }
  return existsSync('/var/run/docker.sock') ? { socketPath: '/var/run/docker.sock' } : undefined;
}

/** True when a Docker engine answers `GET /_ping` within two seconds. */
export function dockerReachable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const endpoint = dockerEndpoint(env);
  if (!endpoint) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

export async function startContainer(kind: DatabaseKind): Promise<DatabaseServer> {
  const remote = remoteDockerHost();
  if (remote) {
    throw new ProviderUnavailable(
      'container',
      `DOCKER_HOST points at a Docker engine on ${remote}, not this machine; the harness only targets loopback`,
      'unset DOCKER_HOST to use the local engine, or use --provider process',
    );
  }
  if (!(await dockerReachable())) {
    throw new ProviderUnavailable(
      'container',
      'no Docker engine is reachable',
      'start Docker or set DOCKER_HOST, or use --provider process',
    );
  }
  // A password of its own, not the modules' default ("test"): Docker publishes the port on every
  // interface, and a registered secret that common is masked all over the output.
  const password = randomBytes(12).toString('hex');
  if (kind === 'mariadb') {
    const { MariaDbContainer } = await import('@testcontainers/mariadb');
    const container = await new MariaDbContainer(CONTAINER_IMAGES.mariadb)
      .withRootPassword(password)
      .withUserPassword(password)
      .start();
    return serverIn(kind, container, {
      user: 'root',
      password: container.getRootPassword(),
      database: 'mysql',
    });
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(CONTAINER_IMAGES.postgres).withPassword(password).start();
  return serverIn(kind, container, {
    user: container.getUsername(),
    password: container.getPassword(),
    database: container.getDatabase(),
  });
}

/** A started container as a database server: its mapped port on loopback, logged in as `login`. */
function serverIn(
  kind: DatabaseKind,
  container: Parameters<typeof containerControl>[0] & { getPort(): number; stop(): Promise<unknown> },
  login: { user: string; password: string; database: string },
): DatabaseServer {
  registerSecret(login.password);
  const port = container.getPort();
  return {
    kind,
    provider: 'container',
    admin: { kind, host: '127.0.0.1', port, ...login },
    description: `${DATABASE_NAMES[kind]} container ${CONTAINER_IMAGES[kind]} (127.0.0.1:${port})`,
    control: containerControl(container),
    async stop() {
      await container.stop();
    },
  };
}
