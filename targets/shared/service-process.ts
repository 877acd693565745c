/**
 * Starting an HTTP service of a target as a supervised child process on a
 * loopback port: restarted when it dies by itself (a crash hook, SIGKILL),
 * stopped with the run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess } from '../../harness/providers/server-process.ts';

const TSX_IMPORT = import.meta.resolve('tsx');

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

/** Send a JSON request; a refused connection means the request never arrived, so it is marked not sent. */
export async function sendJson(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  let response: Response;
  try {
    // No body, no content-type: Fastify refuses an empty JSON body.
    response = await fetch(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  sendJson('POST', url, body, headers);
