/** Connecting and closing the workers' clients, with a target whose connections the test controls. */
import { expect, it } from 'vitest';
import { defineTarget, ok, type RunContext } from './target.ts';
import { WorkerClients } from './worker-clients.ts';

/** A target whose worker `refusing` cannot connect; it records which clients were disconnected. */
function targetWith(refusing: number | undefined, disconnected: number[], hangs = false) {
  return defineTarget<number, null>({
    name: 'fake',
    description: 'fake',
    database: 'postgres',
    variants: { correct: { description: 'c', broken: false } },
    setup: async () => {},
    connect: async (_ctx, worker) => {
      if (worker === refusing) throw new Error(`worker ${worker} refused`);
      return worker;
    },
    disconnect: (client) => {
      disconnected.push(client);
      return hangs ? new Promise(() => {}) : Promise.resolve();
    },
    operations: { noop: async () => ok() },
    plan: () => ({ op: 'noop', args: {} }),
    finalState: async () => null,
    checkers: [],
  });
}
const ctx = { variant: 'correct', env: undefined } as RunContext;

it('connects one client per worker and closes them all', async () => {
  const disconnected: number[] = [];
  const clients = new WorkerClients(targetWith(undefined, disconnected), ctx, 3, 1000);
  await clients.connectAll();
  expect(clients.connections).toEqual([0, 1, 2]);
  await clients.closeAll();
  expect(disconnected.sort()).toEqual([0, 1, 2]);
});

it('when one worker cannot connect, closes the clients that did and throws its error', async () => {
  const disconnected: number[] = [];
  const clients = new WorkerClients(targetWith(1, disconnected), ctx, 3, 1000);
  await expect(clients.connectAll()).rejects.toThrow('worker 1 refused');
  expect(disconnected.sort()).toEqual([0, 2]);
  expect(clients.connections).toEqual([]);
});

it('does not wait on a disconnect that hangs for longer than the grace period', async () => {
  const disconnected: number[] = [];
  const clients = new WorkerClients(targetWith(undefined, disconnected, true), ctx, 2, 1000);
  await clients.connectAll();
  const started = performance.now();
  await clients.closeAll();
  expect(disconnected.sort()).toEqual([0, 1]);
  expect(performance.now() - started).toBeLessThan(3_000);
});

it('gives up on a call past its deadline (info, the client replaced) but not on one within it', async () => {
  let connects = 0;
  const target = defineTarget<number, null>({
    ...targetWith(undefined, []),
    database: 'postgres',
    connect: async (_ctx, worker) => {
      connects++;
      return worker;
    },
    operations: {
      hang: () => new Promise(() => {}),
      slow: async () => {
        await new Promise((resolve) => setTimeout(resolve, 120));
        return ok('in time');
      },
    },
  });
  const clients = new WorkerClients(target, ctx, 2, 200);
  await clients.connectAll();
  expect(connects).toBe(2);
  const started = performance.now();
  const [hung, slow] = await Promise.all([
    clients.execute(0, { op: 'hang', args: {} }),
    clients.execute(1, { op: 'slow', args: {} }),
  ]);
  const waited = performance.now() - started;
  expect(hung).toEqual({ outcome: 'info', error: 'client timeout after 200 ms' });
  expect(slow).toEqual({ outcome: 'ok', value: 'in time' });
  // Given up at the deadline (a timer may fire up to a millisecond early), not long after it.
  expect(waited).toBeGreaterThanOrEqual(199);
  expect(waited).toBeLessThan(300);
  // The timed-out worker's next call first replaces its client; the other worker's is kept.
  expect(await clients.execute(1, { op: 'slow', args: {} })).toEqual({ outcome: 'ok', value: 'in time' });
  expect(connects).toBe(2);
  expect(await clients.execute(0, { op: 'slow', args: {} })).toEqual({ outcome: 'ok', value: 'in time' });
  expect(connects).toBe(3);
  await clients.closeAll();
});

it("aborts the operation's ctx.signal at its deadline, so a fetch it passed the signal to stops too", async () => {
  let aborted: unknown;
  const target = defineTarget<number, null>({
    ...targetWith(undefined, []),
    database: 'postgres',
    operations: {
      wait: (_client, _args, opCtx) =>
        new Promise((_, reject) =>
          opCtx.signal.addEventListener('abort', () => {
            aborted = opCtx.signal.reason;
            reject(opCtx.signal.reason);
          }),
        ),
    },
  });
  const clients = new WorkerClients(target, ctx, 1, 100);
  await clients.connectAll();
  expect(await clients.execute(0, { op: 'wait', args: {} })).toEqual({
    outcome: 'info',
    error: 'client timeout after 100 ms',
  });
  expect(String(aborted)).toBe('Error: client timeout after 100 ms');
  await clients.closeAll();
});
