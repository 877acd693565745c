/**
 * What each service does with the events it consumes, and the orders
 * service's one endpoint. The flow: OrderPlaced -> inventory reserves
 * (StockReserved, or StockRejected for a sku it lacks) -> payments charges
 * (PaymentCharged, or PaymentFailed for a declined card) -> orders confirms.
 * Compensation travels back: PaymentFailed -> inventory releases the stock
 * (StockReleased) -> orders cancels. The `no-compensation-handler` variant's
 * inventory has no handler for PaymentFailed.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { HttpError, inTransaction, requireFields } from '../../shared/http-service.ts';
import { emitter, type Handler, writeOutbox } from './event-bus.ts';

interface PlaceOrder extends Record<string, unknown> {
  orderId: string;
  customer: string;
  sku: string;
  qty: number;
  amount: number;
  card: string;
}

/** Move a PENDING order to its end; an order already ended emits nothing more. */
const endOrder =
  (to: 'CONFIRMED' | 'CANCELLED', event: string): Handler =>
  async (db, e, emit) => {
    const moved = await db.query(`UPDATE orders SET status = $2 WHERE id = $1 AND status = 'PENDING'`, [
      e.orderId,
      to,
    ]);
    if (moved.rowCount === 1) emit(event, e.payload);
  };

export function ordersRoutes(app: FastifyInstance, pool: pg.Pool): Record<string, Handler> {
  app.post('/orders', async (request, reply) => {
    const order = requireFields<PlaceOrder>(request.body, {
      orderId: 'string',
      customer: 'string',
      sku: 'string',
      qty: 'number',
      amount: 'number',
      card: 'string',
    });
    const { emit, emitted } = emitter(order.orderId);
    await inTransaction(pool, async (db) => {
      const inserted = await db.query(
        `INSERT INTO orders (id, customer, sku, qty, amount, card, status) VALUES ($1, $2, $3, $4, $5, $6, 'PENDING')
         ON CONFLICT (id) DO NOTHING`,
        [order.orderId, order.customer, order.sku, order.qty, order.amount, order.card],
      );
      if (inserted.rowCount === 0) throw new HttpError(409, 'order_exists', `order ${order.orderId} exists`);
      emit('OrderPlaced', order);
      await writeOutbox(db, emitted);
    });
    return reply.status(202).send({ orderId: order.orderId, status: 'PENDING' });
  });
  return {
    PaymentCharged: endOrder('CONFIRMED', 'OrderConfirmed'),
    StockRejected: endOrder('CANCELLED', 'OrderCancelled'),
    StockReleased: endOrder('CANCELLED', 'OrderCancelled'),
  };
}

export function inventoryHandlers(variant: string): Record<string, Handler> {
  const handlers: Record<string, Handler> = {
    async OrderPlaced(db, e, emit) {
      const { sku, qty } = e.payload as { sku: string; qty: number };
      const taken = await db.query(
        'UPDATE stock SET available = available - $2, reserved = reserved + $2 WHERE sku = $1 AND available >= $2',
        [sku, qty],
      );
      if (taken.rowCount === 0)
        return emit('StockRejected', { ...e.payload, reason: `no ${sku} to reserve` });
      await db.query(
        `INSERT INTO reservations (order_id, sku, qty, status) VALUES ($1, $2, $3, 'RESERVED')`,
        [e.orderId, sku, qty],
      );
      emit('StockReserved', e.payload);
    },
    async PaymentFailed(db, e, emit) {
      const released = await db.query(
        `UPDATE reservations SET status = 'RELEASED' WHERE order_id = $1 AND status = 'RESERVED' RETURNING sku, qty`,
        [e.orderId],
      );
      for (const { sku, qty } of released.rows)
        await db.query(
          'UPDATE stock SET available = available + $2, reserved = reserved - $2 WHERE sku = $1',
          [sku, qty],
        );
      if (released.rowCount === 1) emit('StockReleased', e.payload);
    },
  };
  // The bug: the compensation event arrives and nothing handles it.
  if (variant === 'no-compensation-handler') delete handlers.PaymentFailed;
  return handlers;
}

export const paymentsHandlers: Record<string, Handler> = {
  async StockReserved(db, e, emit) {
    const { customer, amount, card } = e.payload as { customer: string; amount: number; card: string };
    if (card === 'declined') return emit('PaymentFailed', { ...e.payload, reason: 'card declined' });
    const debited = await db.query(
      'UPDATE accounts SET balance = balance - $2 WHERE customer = $1 AND balance >= $2',
      [customer, amount],
    );
    if (debited.rowCount === 0) return emit('PaymentFailed', { ...e.payload, reason: 'insufficient funds' });
    await db.query('INSERT INTO charges (order_id, customer, amount) VALUES ($1, $2, $3)', [
      e.orderId,
      customer,
      amount,
    ]);
    emit('PaymentCharged', e.payload);
  },
};
