/**
 * Orders: create an order as PENDING, confirm it, or cancel it as the
 * compensation. Cancelling an order that does not exist leaves it CANCELLED
 * (a tombstone), so a create arriving after it (a late request the saga gave
 * up on) finds the order taken.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import {
  type FaultHooks,
  HttpError,
  idempotencyKey,
  idempotent,
  maybeCrashAfterCommit,
  requireFields,
} from '../../shared/http-service.ts';

interface CreateOrder extends Record<string, unknown> {
  orderId: string;
  customer: string;
  sku: string;
  qty: number;
  amount: number;
}

/** Move a PENDING order to `to`; repeating a move that already happened is fine, anything else is a 409. */
async function transition(
  pool: pg.Pool,
  orderId: string,
  to: 'CONFIRMED' | 'CANCELLED',
): Promise<{ orderId: string; status: string }> {
  const moved = await pool.query(
    `UPDATE orders SET status = $2 WHERE id = $1 AND status = 'PENDING' RETURNING status`,
    [orderId, to],
  );
  if (moved.rowCount === 1) return { orderId, status: to };
  const current = (await pool.query('SELECT status FROM orders WHERE id = $1', [orderId])).rows[0]?.status;
  if (current === to) return { orderId, status: to };
  if (current === undefined && to === 'CANCELLED') {
    const tombstone = await pool.query(
      `INSERT INTO orders (id, customer, sku, qty, amount, status) VALUES ($1, '', '', 0, 0, 'CANCELLED') ON CONFLICT (id) DO NOTHING`,
      [orderId],
    );
    // A create committed meanwhile: cancel that order instead.
    return tombstone.rowCount === 1 ? { orderId, status: 'CANCELLED' } : transition(pool, orderId, to);
  }
  if (current === undefined) throw new HttpError(404, 'unknown_order', `no order ${orderId}`);
  throw new HttpError(409, 'invalid_transition', `order ${orderId} is ${current}, cannot become ${to}`);
}

export function ordersRoutes(app: FastifyInstance, hooks: FaultHooks, pool: pg.Pool): void {
  app.post('/orders', async (request, reply) => {
    const key = idempotencyKey(request);
    const order = requireFields<CreateOrder>(request.body, {
      orderId: 'string',
      customer: 'string',
      sku: 'string',
      qty: 'number',
      amount: 'number',
    });
    const result = await idempotent(pool, key, request.body, async (db) => {
      const inserted = await db.query(
        `INSERT INTO orders (id, customer, sku, qty, amount, status) VALUES ($1, $2, $3, $4, $5, 'PENDING') ON CONFLICT (id) DO NOTHING`,
        [order.orderId, order.customer, order.sku, order.qty, order.amount],
      );
      if (inserted.rowCount === 0) throw new HttpError(409, 'order_exists', `order ${order.orderId} exists`);
      return { status: 201, body: { orderId: order.orderId, status: 'PENDING' } };
    });
    if (maybeCrashAfterCommit(hooks, reply, order.orderId)) return;
    return reply.status(result.status).send(result.body);
  });

  app.post<{ Params: { id: string } }>('/orders/:id/confirm', async (request) =>
    transition(pool, request.params.id, 'CONFIRMED'),
  );
  app.post<{ Params: { id: string } }>('/orders/:id/cancel', async (request) =>
    transition(pool, request.params.id, 'CANCELLED'),
  );

  app.get<{ Params: { id: string } }>('/orders/:id', async (request) => {
    const row = (
      await pool.query('SELECT id, customer, sku, qty, amount, status FROM orders WHERE id = $1', [
        request.params.id,
      ])
    ).rows[0];
    if (!row) throw new HttpError(404, 'unknown_order', `no order ${request.params.id}`);
    return { ...row, amount: Number(row.amount) };
  });
}
