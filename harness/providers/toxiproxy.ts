/**
 * Toxiproxy between the workers and the database, for network faults. From
 * TOXIPROXY_URL, or the `server` binary that `go install
 * github.com/Shopify/toxiproxy/v2/cmd/server@latest` puts in ~/go/bin
 * (installed by scripts/setup.sh), started on a free loopback port.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { freePort } from './ports.ts';
import { ServerProcess } from './server-process.ts';
import { ProviderUnavailable } from './types.ts';
import { isLoopbackHost } from './url.ts';

export function toxiproxyBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.TOXIPROXY_SERVER,
    ...(env.PATH ?? '').split(':').map((dir) => join(dir, 'toxiproxy-server')),
    env.GOBIN && join(env.GOBIN, 'server'),
    env.GOPATH && join(env.GOPATH, 'bin', 'server'),
    join(homedir(), 'go', 'bin', 'server'),
  ];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path!));
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
  if (!binary) {
    throw new ProviderUnavailable(
      'process',
      'Toxiproxy server binary not found',
      'go install github.com/Shopify/toxiproxy/v2/cmd/server@latest (or npm run setup), or set TOXIPROXY_URL',
    );
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = new ServerProcess({
    name: 'toxiproxy',
    command: binary,
    args: ['-host', '127.0.0.1', '-port', String(port)],
    dir: mkdtempSync(join(tmpdir(), 'chaos-toxiproxy-')),
    stopSignal: 'SIGTERM',
    isReady: () => answers(url),
    readyTimeoutMs: 10_000,
  });
  try {
    await server.start();
  } catch (error) {
    await server.stop(1000);
    throw new ProviderUnavailable('process', (error as Error).message, 'check the Toxiproxy binary');
  }
  return {
    url,
    client: new Toxiproxy(url),
    description: `Toxiproxy (local process, ${url})`,
    stop: () => server.stop(),
  };
}
