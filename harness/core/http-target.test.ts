import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../providers/ports.ts';
import { httpClient } from './http-target.ts';
import { classifyError } from './outcomes.ts';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.url === '/slow') return; // never answers
      if (request.url === '/text') return response.end('plain');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ method: request.method, body: body ? JSON.parse(body) : null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("a service target's HTTP client", () => {
  it('sends JSON and reads JSON back, or the text of a body that is not JSON', async () => {
    const http = httpClient(url);
    expect(await http.post('/x', { amount: 3 })).toMatchObject({
      status: 200,
      body: { method: 'POST', body: { amount: 3 } },
    });
    expect((await http.get('/text')).body).toBe('plain');
  });

  it('stops a request when the operation deadline fires, which is then an unknown outcome', async () => {
    const deadline = new AbortController();
    const pending = httpClient(url, deadline.signal).get('/slow');
    deadline.abort(new Error('client timeout after 50 ms'));
    const error = await pending.catch((e: unknown) => e);
    expect(classifyError(error)).toBe('info');
  });

  it('calls a refused connection a request that never arrived, which surely did not happen (fail)', async () => {
    const port = await freePort();
    const error = await httpClient(`http://127.0.0.1:${port}`)
      .get('/')
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(`127.0.0.1:${port} refused the connection`);
    expect(classifyError(error)).toBe('fail');
  });
});
