/**
 * Payments: charge a customer for an order, refund as the compensation.
 * A refund that finds nothing charged leaves a tombstone (a REFUNDED charge
 * of 0), so a charge arriving after it (a late request the saga gave up on)
 * is refused; both lock the order first, so one of them sees the other.
 * The `non-idempotent` variant ignores the Idempotency-Key, so a retried
 * charge whose first attempt committed charges twice.
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
  type Stored,
} from '../../shared/http-service.ts';

interface Charge extends Record<string, unknown> {
  orderId: string;
  customer: string;
  amount: number;
}

/** A charge and a refund of the same order take turns. */
const lockOrder = (db: pg.PoolClient, orderId: string) =>
  db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [orderId]);

async function charge(
  db: pg.PoolClient,
  { orderId, customer, amount }: Charge,
  key: string,
): Promise<Stored> {
  await lockOrder(db, orderId);
  const refunded = await db.query(`SELECT 1 FROM charges WHERE order_id = $1 AND status = 'REFUNDED'`, [
    orderId,
  ]);
  if (refunded.rowCount)
    throw new HttpError(409, 'order_refunded', `order ${orderId} was refunded: its saga gave up on it`);
  const debited = await db.query(
    'UPDATE accounts SET balance = balance - $2 WHERE customer = $1 AND balance >= $2',
    [customer, amount],
  );
  if (debited.rowCount === 0) {
    const known = (await db.query('SELECT 1 FROM accounts WHERE customer = $1', [customer])).rowCount;
    throw known
      ? new HttpError(402, 'insufficient_funds', `${customer} cannot pay ${amount}`)
      : new HttpError(404, 'unknown_customer', `no such customer ${customer}`);
  }
  const row = await db.query(
    `INSERT INTO charges (order_id, idempotency_key, customer, amount, status) VALUES ($1, $2, $3, $4, 'CHARGED') RETURNING id`,
    [orderId, key, customer, amount],
  );
  return { status: 201, body: { chargeId: Number(row.rows[0].id), orderId, amount, status: 'CHARGED' } };
}

export function paymentsRoutes(
  app: FastifyInstance,
  hooks: FaultHooks,
  pool: pg.Pool,
  variant: string,
): void {
  app.post('/charges', async (request, reply) => {
    const key = idempotencyKey(request);
    const body = requireFields<Charge>(request.body, {
      orderId: 'string',
      customer: 'string',
      amount: 'number',
    });
    let result: Stored;
    if (variant === 'non-idempotent') {
      // The bug: every request charges, whatever its key.
      result = await inTransaction(pool, (db) => charge(db, body, key));
    } else {
      result = await idempotent(pool, key, request.body, (db) => charge(db, body, key));
    }
    if (maybeCrashAfterCommit(hooks, reply, body.orderId)) return;
    return reply.status(result.status).send(result.body);
  });

  // Compensation: refund whatever is still charged for the order; idempotent by state.
  app.post<{ Params: { orderId: string } }>('/charges/:orderId/refund', async (request) =>
    inTransaction(pool, async (db) => {
      await lockOrder(db, request.params.orderId);
      const refunded = await db.query(
        `UPDATE charges SET status = 'REFUNDED' WHERE order_id = $1 AND status = 'CHARGED' RETURNING customer, amount`,
        [request.params.orderId],
      );
      for (const { customer, amount } of refunded.rows) {
        await db.query('UPDATE accounts SET balance = balance + $2 WHERE customer = $1', [customer, amount]);
      }
      if (refunded.rowCount === 0)
        await db.query(
          `INSERT INTO charges (order_id, customer, amount, status)
           SELECT $1, '', 0, 'REFUNDED' WHERE NOT EXISTS (SELECT 1 FROM charges WHERE order_id = $1)`,
          [request.params.orderId],
        );
      return { orderId: request.params.orderId, refunded: refunded.rowCount };
    }),
  );
}
