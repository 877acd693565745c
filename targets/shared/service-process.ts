/**
 * Starting an HTTP service of a target as a supervised child process on a
 * loopback port: restarted when it dies by itself (a crash hook, SIGKILL),
 * stopped with the run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerProcess } from '../../harness/providers/server-process.ts';

const TSX_IMPORT = import.meta.resolve('tsx');

/**
 * The services' entry point beside a target's module (its `import.meta.url`):
 * `services/main` with the module's own extension, `.ts` run from source, `.js` compiled in the package.
 */
export function serviceMain(targetModule: string): string {
  return fileURLToPath(new URL(`./services/main${extname(new URL(targetModule).pathname)}`, targetModule));
}

export function serviceProcess(
  name: string,
  mainPath: string,
  port: number,
  env: Record<string, string>,
): ServerProcess {
  const url = `http://127.0.0.1:${port}`;
  return new ServerProcess({
    name,
    command: process.execPath,
    args: ['--import', TSX_IMPORT, mainPath],
    dir: mkdtempSync(join(tmpdir(), `chaos-service-${name.replace(/\W+/g, '-')}-`)),
    spawnOptions: { env: { ...process.env, ...env, PORT: String(port) } },
    stopSignal: 'SIGTERM',
    isReady: async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok,
    restartOnExit: true,
  });
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** The operation's deadline (`ctx.signal`): the request is abandoned when it fires. */
  signal?: AbortSignal;
}

/** Send a JSON request; a refused connection means the request never arrived, so it is marked not sent. */
export async function sendJson(method: string, url: string, body?: unknown, options: RequestOptions = {}) {
  const { headers = {}, signal } = options;
  let response: Response;
  try {
    // No body, no content-type: Fastify refuses an empty JSON body.
    response = await fetch(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') {
      await new Promise((r) => setTimeout(r, 50)); // the service is restarting; do not spin
      throw Object.assign(new Error(`${new URL(url).host} refused the connection`), { notSent: true });
    }
    throw error;
  }
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export const postJson = (url: string, body: unknown, options: RequestOptions = {}) =>
  sendJson('POST', url, body, options);
