/**
 * Inventory: reserve stock for an order, release it as the compensation. A
 * release that finds no reservation leaves a tombstone (RELEASED, quantity 0)
 * in its place, so a reservation arriving after it (a late request the saga
 * gave up on) conflicts and is refused.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import {
  type FaultHooks,
  HttpError,
  idempotencyKey,
  idempotent,
  inTransaction,
  maybeCrashAfterCommit,
  requireFields,
} from '../../shared/http-service.ts';

interface Reserve extends Record<string, unknown> {
  orderId: string;
  sku: string;
  qty: number;
}

export function inventoryRoutes(app: FastifyInstance, hooks: FaultHooks, pool: pg.Pool): void {
  app.post('/reservations', async (request, reply) => {
    const key = idempotencyKey(request);
    const { orderId, sku, qty } = requireFields<Reserve>(request.body, {
      orderId: 'string',
      sku: 'string',
      qty: 'number',
    });
    const result = await idempotent(pool, key, request.body, async (db) => {
      const taken = await db.query(
        'UPDATE stock SET available = available - $2, reserved = reserved + $2 WHERE sku = $1 AND available >= $2',
        [sku, qty],
      );
      if (taken.rowCount === 0) {
        const known = (await db.query('SELECT 1 FROM stock WHERE sku = $1', [sku])).rowCount;
        throw known
          ? new HttpError(409, 'out_of_stock', `not enough ${sku}`)
          : new HttpError(404, 'unknown_sku', `no such sku ${sku}`);
      }
      const inserted = await db.query(
        `INSERT INTO reservations (order_id, sku, qty, status) VALUES ($1, $2, $3, 'RESERVED') ON CONFLICT (order_id) DO NOTHING`,
        [orderId, sku, qty],
      );
      if (inserted.rowCount === 0)
        throw new HttpError(409, 'already_reserved', `order ${orderId} already has a reservation`);
      return { status: 201, body: { orderId, sku, qty, status: 'RESERVED' } };
    });
    if (maybeCrashAfterCommit(hooks, reply, orderId)) return;
    return reply.status(result.status).send(result.body);
  });

  // Compensation: idempotent by state (releasing twice releases once).
  app.post<{ Params: { orderId: string } }>('/reservations/:orderId/release', async (request) =>
    inTransaction(pool, async (db) => {
      const orderId = request.params.orderId;
      const release = () =>
        db.query(
          `UPDATE reservations SET status = 'RELEASED' WHERE order_id = $1 AND status = 'RESERVED' RETURNING sku, qty`,
          [orderId],
        );
      let released = await release();
      if (released.rowCount === 0) {
        // The tombstone; if a reservation committed meanwhile (the insert waited for it), release that.
        const tombstone = await db.query(
          `INSERT INTO reservations (order_id, sku, qty, status) VALUES ($1, '', 0, 'RELEASED') ON CONFLICT (order_id) DO NOTHING`,
          [orderId],
        );
        if (tombstone.rowCount === 0) released = await release();
      }
      for (const { sku, qty } of released.rows) {
        await db.query(
          'UPDATE stock SET available = available + $2, reserved = reserved - $2 WHERE sku = $1',
          [sku, qty],
        );
      }
      return { orderId, released: released.rowCount === 1 };
    }),
  );
}
