/**
 * The target API's types are checked by `tsc` (npm test runs it): each
 * `@ts-expect-error` below fails the type check if the mistake it marks ever
 * compiles. The runtime assertions check what the same definitions do.
 */
import { describe, expect, it } from 'vitest';
import { defineTarget, type OperationFunction, ok, type PlannedCall, type ValueOf } from './target.ts';

describe('the target API', () => {
  it("types each operation's arguments, and the planner must produce exactly those", () => {
    type Ops = { add: OperationFunction<number, void, { n: number }> };
    const good: PlannedCall<Ops> = { op: 'add', args: { n: 1 } };
    // @ts-expect-error: the arguments have the wrong shape
    const wrongArgs: PlannedCall<Ops> = { op: 'add', args: { n: 'one' } };
    // @ts-expect-error: no such operation
    const wrongOp: PlannedCall<Ops> = { op: 'subtract', args: { n: 1 } };
    expect([good, wrongArgs, wrongOp].map((call) => call.op)).toEqual(['add', 'add', 'subtract']);
  });

  it('types the value an operation returns when ok, for the checkers that read it', async () => {
    type Add = OperationFunction<number, void, { n: number }, { total: number }>;
    const add: Add = async (client, args) => ok({ total: client + args.n });
    // @ts-expect-error: the value has the wrong shape
    const wrongValue: Add = async (client, args) => ok({ total: `${client + args.n}` });
    const ctx = { env: undefined } as Parameters<Add>[2];
    const result = await add(1, { n: 2 }, ctx);
    const total: ValueOf<Add> | undefined = result.outcome === 'ok' ? result.value : undefined;
    // @ts-expect-error: ValueOf<Add> has no field 'sum'
    const wrongField = total?.sum;
    expect([total, wrongField, (await wrongValue(1, { n: 2 }, ctx)).outcome]).toEqual([
      { total: 3 },
      undefined,
      'ok',
    ]);
  });

  it('hands what setup returned to connect, the operations, finalState and teardown as ctx.env', async () => {
    const seen: string[] = [];
    const target = defineTarget({
      name: 'env-demo',
      description: 'a service URL from setup',
      database: 'postgres',
      variants: { correct: { description: 'as it is', broken: false } },
      setup: async () => ({ url: 'http://127.0.0.1:1' }),
      connect: async (ctx) => ctx.env.url,
      disconnect: async () => {},
      operations: {
        ping: async (client: string, args: { times: number }, ctx) => {
          seen.push(`${client} ${args.times} ${ctx.env.url}`);
          return ok();
        },
      },
      plan: () => ({ op: 'ping', args: { times: 2 } }),
      finalState: async (ctx) => ctx.env.url.length,
      checkers: [],
      teardown: async (ctx) => {
        seen.push(`teardown ${ctx.env.url}`);
      },
    });
    const base = {
      database: {
        kind: 'postgres' as const,
        host: '127.0.0.1',
        port: 1,
        user: 'u',
        password: 'p',
        database: 'd',
      },
      variant: 'correct',
      seed: 1,
      keys: 1,
    };
    const ctx = { ...base, env: await target.setup(base), signal: new AbortController().signal };
    const client = await target.connect(ctx, 0);
    const planned = target.plan({ worker: 0, index: 0 } as Parameters<typeof target.plan>[0]);
    await target.operations[planned.op](client, planned.args, ctx);
    // @ts-expect-error: ping takes { times: number }
    await target.operations.ping(client, { times: 'twice' }, ctx);
    await target.teardown?.(ctx);
    expect(seen).toEqual([
      'http://127.0.0.1:1 2 http://127.0.0.1:1',
      'http://127.0.0.1:1 twice http://127.0.0.1:1',
      'teardown http://127.0.0.1:1',
    ]);
    expect(await target.finalState(ctx)).toBe(18);
  });
});
