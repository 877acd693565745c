import { Toxiproxy } from 'toxiproxy-node-client';
import { ProviderUnavailable } from '../core/database.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import { findBinary } from './binaries.ts';
import { dockerReachable } from './container.ts';
import { ownedTempDir } from './owned.ts';
import { freePort } from './ports.ts';
import { ServerProcess, startServerOnFreePort } from './server-process.ts';

export function toxiproxyBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findBinary({ envVar: 'TOXIPROXY_SERVER', pathNames: ['toxiproxy-server'], goName: 'server' }, env);
}

export const TOXIPROXY_IMAGE = 'ghcr.io/shopify/toxiproxy:2.12.0';

export type ToxiproxySource = 'url' | 'binary' | 'container';

/** Where Toxiproxy comes from: the user's URL, else the local binary, else a container. */
export function chooseToxiproxySource(facts: {
  url?: string;
  binary?: string;
  dockerReachable: boolean;
}): ToxiproxySource | { error: string } {
  if (facts.url) return 'url';
  if (facts.binary) return 'binary';
  if (facts.dockerReachable) return 'container';
  return {
    error:
      'Toxiproxy not found: tried TOXIPROXY_URL (not set), the server binary (go install github.com/Shopify/toxiproxy/v2/cmd/server@latest, or npm run setup), a container (no Docker engine reachable)',
  };
}

export interface ToxiproxyService {
  url: string;
  client: Toxiproxy;
  description: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(`${url}/version`, { signal: AbortSignal.timeout(1000) });
  return response.ok;
}

export async function startToxiproxy(env: NodeJS.ProcessEnv = process.env): Promise<ToxiproxyService> {
  if (env.TOXIPROXY_URL) {
    const url = env.TOXIPROXY_URL.replace(/\/$/, '');
    const host = new URL(url).hostname;
    if (!isLoopbackHost(host)) {
      throw new ProviderUnavailable(
        'url',
        `TOXIPROXY_URL points at ${host}, which is not a loopback address`,
        'use a Toxiproxy on 127.0.0.1',
      );
    }
    if (!(await answers(url).catch(() => false))) {
      throw new ProviderUnavailable(
        'url',
        `Toxiproxy at ${url} does not answer`,
        'start it or unset TOXIPROXY_URL',
      );
    }
    return { url, client: new Toxiproxy(url), description: `Toxiproxy at ${url}`, stop: async () => {} };
  }
  const binary = toxiproxyBinary(env);
  const source = chooseToxiproxySource({
    ...(binary ? { binary } : {}),
    dockerReachable: binary ? false : await dockerReachable(env),
  });
  if (typeof source === 'object') throw new ProviderUnavailable('process', source.error, '');
  if (source === 'container') return startToxiproxyContainer();
  let started: { server: ServerProcess; port: number };
  try {
    const dir = ownedTempDir('chaos-toxiproxy-');
    started = await startServerOnFreePort(
      dir,
      (port) =>
        new ServerProcess({
          name: 'toxiproxy',
          command: binary!,
          args: ['-host', '127.0.0.1', '-port', String(port)],
          dir,
          stopSignal: 'SIGTERM',
          isReady: () => answers(`http://127.0.0.1:${port}`),
          readyTimeoutMs: 10_000,
        }),
    );
  } catch (error) {
    throw new ProviderUnavailable('process', (error as Error).message, 'check the Toxiproxy binary');
  }
  const { server, port } = started;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    client: new Toxiproxy(url),
    description: `Toxiproxy (local process, ${url})`,
    stop: () => server.stop(),
  };
}

async function startToxiproxyContainer(): Promise<ToxiproxyService> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = await freePort();
  const container = await new GenericContainer(TOXIPROXY_IMAGE)
    .withNetworkMode('host')
    .withCommand(['-host=127.0.0.1', `-port=${port}`])
    .withWaitStrategy(Wait.forHttp('/version', port))
    .start();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    client: new Toxiproxy(url),
    description: `Toxiproxy container ${TOXIPROXY_IMAGE} (${url})`,
    stop: async () => {
      await container.stop();
    },
  };
}
