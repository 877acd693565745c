/**
 * How the choreographed services talk: each publishes events through its
 * outbox (written in the transaction that changed its state) with a relay
 * that POSTs them (each saga's in order) to the subscribers' `/events`, retrying until
 * each answers 2xx (at least once). A consumer records each event in its
 * inbox, in the transaction of its handler, so a redelivery is applied once.
 *
 * Two defects are switches here, for the broken variants: `dedupe: false`
 * applies every delivery; `emitAfterCommit` writes the handler's events in a
 * second transaction, after the state change committed.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { groupBy } from '../../../harness/core/collections.ts';
import {
  crashDueAfterCommit,
  type FaultHooks,
  inTransaction,
  requireFields,
} from '../../shared/http-service.ts';
import { type ServiceName, SUBSCRIBERS } from '../schema.ts';

export interface BusEvent {
  eventId: string;
  type: string;
  orderId: string;
  payload: Record<string, unknown>;
}

export type Emit = (type: string, payload?: Record<string, unknown>) => void;
export type Handler = (db: pg.PoolClient, event: BusEvent, emit: Emit) => Promise<void>;

interface Pending {
  type: string;
  orderId: string;
  payload: Record<string, unknown>;
}

/** Add events to the outbox, inside the caller's transaction. */
export async function writeOutbox(db: pg.PoolClient, events: Pending[]): Promise<void> {
  for (const e of events)
    await db.query('INSERT INTO outbox (event_id, type, order_id, payload) VALUES ($1, $2, $3, $4)', [
      `${e.type}:${e.orderId}:${randomUUID().slice(0, 8)}`,
      e.type,
      e.orderId,
      JSON.stringify(e.payload),
    ]);
}

/** A collector of the events a piece of work emits, for `writeOutbox`. */
export function emitter(orderId: string): { emit: Emit; emitted: Pending[] } {
  const emitted: Pending[] = [];
  return { emitted, emit: (type, payload = {}) => emitted.push({ type, orderId, payload }) };
}

/** The process dies at once, as if killed: after a commit, before anything else happens. */
const crashNow = () => process.kill(process.pid, 'SIGKILL');

export function consumeRoute(
  app: FastifyInstance,
  hooks: FaultHooks,
  pool: pg.Pool,
  handlers: Record<string, Handler>,
  options: { dedupe: boolean; emitAfterCommit: boolean },
): void {
  app.post('/events', async (request) => {
    const event = requireFields<BusEvent & Record<string, unknown>>(request.body, {
      eventId: 'string',
      type: 'string',
      orderId: 'string',
    });
    const payload = (event.payload ?? {}) as Record<string, unknown>;
    const { emit, emitted } = emitter(event.orderId);
    const outcome = await inTransaction(pool, async (db) => {
      const fresh = await db.query(
        'INSERT INTO inbox (event_id, type, order_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [event.eventId, event.type, event.orderId],
      );
      if (fresh.rowCount === 0 && options.dedupe) return 'duplicate';
      const handler = handlers[event.type];
      if (!handler) return 'unhandled'; // acknowledged, and nothing happens
      await handler(db, { ...event, payload }, emit);
      if (!options.emitAfterCommit) await writeOutbox(db, emitted);
      return 'applied';
    });
    // A crash after a delivery that changed nothing would lose nothing: the hook waits for one that did.
    if (outcome === 'applied' && crashDueAfterCommit(hooks, event.orderId)) crashNow();
    // The bug of `emitAfterCommit`: a crash above has lost these events for good.
    if (options.emitAfterCommit && emitted.length > 0)
      await inTransaction(pool, (db) => writeOutbox(db, emitted));
    return { outcome };
  });
}

interface OutboxRow {
  seq: string;
  event_id: string;
  type: string;
  order_id: string;
  payload: unknown;
}

/** How often the relay looks at the outbox, and waits after a delivery failed. */
const RELAY_TICK_MS = 10;
const RETRY_AFTER_MS = 50;

/**
 * Publish the outbox, each event to all its subscribers: the events of one
 * saga in order (one that fails holds back that saga's later ones), sagas side by side.
 */
export function startRelay(pool: pg.Pool, urls: Record<ServiceName, string>): void {
  const deliver = async (row: OutboxRow) => {
    for (const subscriber of SUBSCRIBERS[row.type] ?? []) {
      const response = await fetch(`${urls[subscriber]}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          eventId: row.event_id,
          type: row.type,
          orderId: row.order_id,
          payload: row.payload,
        }),
        signal: AbortSignal.timeout(2000),
      }).catch(() => undefined);
      if (!response?.ok) return false;
    }
    return true;
  };
  /** Deliver one saga's events in order; stop at the first that fails (it and the rest come again). */
  const deliverInOrder = async (rows: OutboxRow[]) => {
    for (const row of rows) {
      const delivered = await deliver(row);
      await pool.query(
        `UPDATE outbox SET attempts = attempts + 1, published_at = CASE WHEN $2 THEN clock_timestamp() END
         WHERE seq = $1`,
        [row.seq, delivered],
      );
      if (!delivered) return false;
    }
    return true;
  };
  const loop = async () => {
    for (;;) {
      let wait = RELAY_TICK_MS;
      try {
        const rows: OutboxRow[] = (
          await pool.query(
            'SELECT seq, event_id, type, order_id, payload FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT 100',
          )
        ).rows;
        // Sagas are independent: their events go out side by side, each saga's in order.
        const delivered = await Promise.all(
          [...groupBy(rows, (r) => r.order_id).values()].map(deliverInOrder),
        );
        if (!delivered.every(Boolean)) wait = RETRY_AFTER_MS;
      } catch {
        wait = RETRY_AFTER_MS; // the database is unreachable right now
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  };
  void loop();
}
