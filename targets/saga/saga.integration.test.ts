/**
 * The saga services over real HTTP and Postgres: bad input gets a 4xx JSON
 * error and changes nothing; a repeated Idempotency-Key replays the answer; a
 * step arriving after its compensation is fenced out.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunContext } from '../../harness/core/target.ts';
import { connectPostgres } from '../../harness/providers/db.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../harness/providers/scratch-database.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { describeWith, postgresComponent } from '../../harness/testing/components.ts';
import { type RunningServices, saga } from './index.ts';

describeWith([await postgresComponent()], 'saga services', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  let scratch: ScratchDatabase;
  let ctx: RunContext<RunningServices>;
  let urls: Record<string, string>;

  beforeAll(async () => {
    scratch = await createScratchDatabase(await pool.get('postgres'));
    const base = { database: scratch.info, variant: 'correct', seed: 1, keys: 1 };
    ctx = { ...base, env: await saga.setup(base) };
    urls = (await saga.connect(ctx, 0)).urls;
  });
  afterAll(async () => {
    await saga.teardown?.(ctx);
    await scratch.drop();
    await pool.stopAll();
  });

  const order = { orderId: 'order-a', customer: 'customer-0', sku: 'sku-0', qty: 2, amount: 30 };
  async function send(
    url: string,
    body: string | object,
    headers: Record<string, string> = {},
    method = 'POST',
  ) {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const chargesOf = async (orderId: string) => {
    const client = await connectPostgres({ ...scratch.info, database: `${scratch.info.database}_payments` });
    const rows = (await client.query('SELECT amount, status FROM charges WHERE order_id = $1', [orderId]))
      .rows;
    await client.end();
    return rows;
  };

  it('rejects malformed JSON, a missing key and bad fields with 400 and a JSON error', async () => {
    const malformed = await send(`${urls.orchestrator}/orders`, '{"orderId": ', { 'idempotency-key': 'k1' });
    expect(malformed).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    const noKey = await send(`${urls.orchestrator}/orders`, order);
    expect(noKey).toMatchObject({ status: 400, body: { error: 'missing_idempotency_key' } });
    const badQty = await send(
      `${urls.orchestrator}/orders`,
      { ...order, qty: -1 },
      { 'idempotency-key': 'k2' },
    );
    expect(badQty).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: 'qty must be a positive integer' },
    });
    expect(await chargesOf(order.orderId)).toEqual([]);
  });

  it('completes an order once and replays the answer for the same key; another body is a 422', async () => {
    const first = await send(`${urls.orchestrator}/orders`, order, { 'idempotency-key': 'key-a' });
    expect(first).toEqual({ status: 201, body: { orderId: 'order-a', status: 'COMPLETED' } });
    const again = await send(`${urls.orchestrator}/orders`, order, { 'idempotency-key': 'key-a' });
    expect(again).toEqual(first);
    const reused = await send(
      `${urls.orchestrator}/orders`,
      { ...order, qty: 3 },
      { 'idempotency-key': 'key-a' },
    );
    expect(reused).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused' } });
    expect(await chargesOf('order-a')).toEqual([{ amount: '30', status: 'CHARGED' }]);
    const stored = await send(`${urls.orders}/orders/order-a`, {}, {}, 'GET');
    expect(stored).toMatchObject({ status: 200, body: { status: 'CONFIRMED', qty: 2 } });
  });

  it('answers an unknown order with 404 and a JSON error', async () => {
    expect(await send(`${urls.orders}/orders/nope`, {}, {}, 'GET')).toMatchObject({
      status: 404,
      body: { error: 'unknown_order' },
    });
    expect(await send(`${urls.orders}/orders/nope/confirm`, {})).toMatchObject({
      status: 404,
      body: { error: 'unknown_order' },
    });
  });

  it('compensates in reverse when a step keeps failing, leaving nothing half-applied', async () => {
    await send(`${urls.payments}/_chaos`, { failNext: 3 });
    const result = await send(
      `${urls.orchestrator}/orders`,
      { ...order, orderId: 'order-b' },
      { 'idempotency-key': 'key-b' },
    );
    expect(result).toMatchObject({ status: 409, body: { error: 'saga_compensated', status: 'COMPENSATED' } });
    expect(String(result.body.reason)).toMatch(/^charge failed: payments 503/);
    expect((await send(`${urls.orders}/orders/order-b`, {}, {}, 'GET')).body.status).toBe('CANCELLED');
    // Nothing charged: the refund found nothing and left its tombstone, which fences out a late charge.
    expect(await chargesOf('order-b')).toEqual([{ amount: '0', status: 'REFUNDED' }]);
    const state = await saga.finalState(ctx);
    const checks = saga.checkers.map((c) => c.check({ operations: [], finalState: state }));
    expect(checks.every((c) => c.verdict === 'valid')).toBe(true);
  });

  it('a charge whose answer is lost is retried with the same key and charged once', async () => {
    await send(`${urls.payments}/_chaos`, { crashAfterCommit: 1 });
    const result = await send(
      `${urls.orchestrator}/orders`,
      { ...order, orderId: 'order-c' },
      { 'idempotency-key': 'key-c' },
    );
    expect(result.status).toBe(201);
    expect(await chargesOf('order-c')).toEqual([{ amount: '30', status: 'CHARGED' }]);
  });

  it('expires idempotency keys: after the TTL a key can be used again, and expired records are removed', async () => {
    const ordersDb = { ...scratch.info, database: `${scratch.info.database}_orders` };
    const body = { orderId: 'order-ttl-1', customer: 'customer-1', sku: 'sku-1', qty: 1, amount: 5 };
    const placeWithKey = async (order: typeof body) =>
      (await send(`${urls.orders}/orders`, order, { 'idempotency-key': 'ttl-key' })).status;
    expect(await placeWithKey(body)).toBe(201);
    // Within the TTL a different body is refused...
    expect(await placeWithKey({ ...body, orderId: 'order-ttl-2' })).toBe(422);
    const client = await connectPostgres(ordersDb);
    await client.query(
      `UPDATE idempotency SET expires_at = now() - interval '1 second' WHERE key = 'ttl-key'`,
    );
    // ...after it the key is free again.
    expect(await placeWithKey({ ...body, orderId: 'order-ttl-2' })).toBe(201);
    const stored = (
      await client.query(`SELECT response->>'orderId' AS "orderId" FROM idempotency WHERE key = 'ttl-key'`)
    ).rows;
    await client.end();
    expect(stored).toEqual([{ orderId: 'order-ttl-2' }]);
  });

  it('fences out a step that arrives after its compensation: the late request is refused and changes nothing', async () => {
    const late = { orderId: 'order-late', customer: 'customer-1', sku: 'sku-1', qty: 1, amount: 7 };
    // The saga gave up on each step and compensated it before the step's own request arrived.
    expect((await send(`${urls.payments}/charges/order-late/refund`, {})).status).toBe(200);
    expect((await send(`${urls.inventory}/reservations/order-late/release`, {})).status).toBe(200);
    expect((await send(`${urls.orders}/orders/order-late/cancel`, {})).body).toMatchObject({
      status: 'CANCELLED',
    });
    const charge = await send(`${urls.payments}/charges`, late, { 'idempotency-key': 'late:charge' });
    expect(charge).toMatchObject({ status: 409, body: { error: 'order_refunded' } });
    const reserve = await send(`${urls.inventory}/reservations`, late, { 'idempotency-key': 'late:reserve' });
    expect(reserve).toMatchObject({ status: 409, body: { error: 'already_reserved' } });
    const create = await send(`${urls.orders}/orders`, late, { 'idempotency-key': 'late:create' });
    expect(create).toMatchObject({ status: 409, body: { error: 'order_exists' } });
    // Nothing was charged: only the tombstone of the refund.
    expect(await chargesOf('order-late')).toEqual([{ amount: '0', status: 'REFUNDED' }]);
    const order = await send(`${urls.orders}/orders/order-late`, {}, {}, 'GET');
    expect(order.body).toMatchObject({ status: 'CANCELLED' });
  });

  it('refuses the fault hooks to bad values', async () => {
    expect(await send(`${urls.inventory}/_chaos`, { failNext: -2 })).toMatchObject({
      status: 400,
      body: { error: 'bad_request' },
    });
    // A crash delay that is not a whole number of ms is refused, and nothing crashes.
    expect(await send(`${urls.inventory}/_chaos/crash`, { inMs: 'soon' })).toMatchObject({
      status: 400,
      body: { error: 'bad_request' },
    });
    expect((await send(`${urls.inventory}/health`, {}, {}, 'GET')).status).toBe(200);
  });
});
