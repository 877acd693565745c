/**
 * Both load engines send the same requests for the same seed: the real k6
 * binary (two execution segments) and autocannon, each against a small HTTP
 * server on loopback that records every request, compared with each other
 * and with the target's request source evaluated here.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HistoryWriter, loadOperations } from '../harness/core/history.ts';
import { describeWith, k6Component } from '../harness/testing/components.ts';
import { saga } from '../targets/saga/index.ts';
import { runAutocannon } from './autocannon-load.ts';
import { runK6 } from './k6/run.ts';
import { k6Script } from './k6/script.ts';
import { requestFunction } from './request-source.ts';

interface Received {
  method: string;
  path: string;
  key: string | undefined;
  body: unknown;
}

const SEED = 42;
const REQUESTS = 40;
const http = saga.http!;
let received: Received[] = [];
const server = createServer((request: IncomingMessage, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    received.push({
      method: request.method!,
      path: request.url!,
      key: request.headers['idempotency-key'] as string | undefined,
      body: JSON.parse(body),
    });
    response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
  });
});
let baseUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Requests in a comparable order: by order id, then by key (a repeat sends the same order twice). */
const sorted = (requests: Received[]) =>
  [...requests].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The saga's requests read no run context; both engines still hand it the same one. */
const CONTEXT = { variant: 'correct', keys: 1, data: null };

const expected = () => {
  const requestAt = requestFunction(http.requestSource);
  return Array.from({ length: REQUESTS }, (_, i) => {
    const r = requestAt(SEED, i, CONTEXT);
    return { method: r.method, path: r.path, key: r.headers?.['idempotency-key'], body: r.body };
  });
};

it("the target's request source gives every iteration an order, and repeats a tenth of them", () => {
  const requests = expected();
  const orderIds = requests.map((r) => (r.body as { orderId: string }).orderId);
  expect(new Set(orderIds).size).toBe(REQUESTS - REQUESTS / 10);
  expect(requests[9]).toEqual(requests[4]);
  expect(requestFunction(http.requestSource)(SEED + 1, 0, CONTEXT)).not.toEqual(requests[0]);
});

it('autocannon sends exactly those requests, and records each as the operation the checkers read', async () => {
  received = [];
  const dir = mkdtempSync(join(tmpdir(), 'chaos-same-requests-'));
  const history = new HistoryWriter(join(dir, 'history.ndjson'));
  await runAutocannon({
    baseUrl,
    http,
    connections: 4,
    requests: REQUESTS,
    timeoutMs: 5000,
    seed: SEED,
    requestContext: CONTEXT,
    correctCoordinatedOmission: true,
    history,
  });
  history.close();
  expect(sorted(received)).toEqual(sorted(expected()));
  const operations = await loadOperations(history.path);
  expect(operations).toHaveLength(REQUESTS);
  expect(operations[0]).toMatchObject({
    op: 'placeOrder',
    args: { key: expect.stringMatching(/^key-load-42-/) },
  });
});

describeWith([await k6Component()], 'k6', () => {
  it('sends exactly the same requests, split over two execution segments', async () => {
    received = [];
    const dir = mkdtempSync(join(tmpdir(), 'chaos-same-requests-k6-'));
    const scriptPath = join(dir, 'same.k6.ts');
    writeFileSync(
      scriptPath,
      k6Script({
        scenario: 'same-requests',
        seed: SEED,
        baseUrl,
        connections: 2,
        iterations: REQUESTS,
        thresholds: {},
        requestSource: http.requestSource,
        requestContext: CONTEXT,
        expectedStatuses: [201],
        timeoutMs: 5000,
      }),
    );
    await runK6({
      scriptPath,
      baseUrl,
      segments: 2,
      outDir: dir,
      connections: 2,
      thresholds: {},
      expectedStatuses: [201],
    });
    expect(sorted(received)).toEqual(sorted(expected()));
  });
});
