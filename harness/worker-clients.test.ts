/** Connecting and closing the workers' clients, with a target whose connections the test controls. */
import { expect, it } from 'vitest';
import { defineTarget, ok, type TargetContext } from './target.ts';
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
const ctx = { variant: 'correct' } as TargetContext;

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
