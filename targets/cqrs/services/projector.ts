/**
 * A projector: it polls the write model's events after its replica's cursor
 * and applies them to the replica's view, then moves the cursor. Delivery is
 * at least once and unordered, as with a real broker: the events of a batch
 * arrive shuffled, and a crash between applying and moving the cursor (or the
 * redeliver hook) delivers events again.
 *
 * The correct projector applies event v of an account only on version v - 1
 * (an earlier version waits, a later one is a duplicate). Broken variants:
 * `double-apply` adds a redelivered event's amount again; `unordered` has no
 * version check beyond "newer than what I have", so an event that arrives
 * after a later one is dropped as stale.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { groupBy } from '../../../harness/core/collections.ts';
import { fromLoopback, HttpError } from '../../shared/http-service.ts';
import type { Replica } from '../schema.ts';

interface Event {
  seq: number;
  account: string;
  version: number;
  amount: number;
  committedAt: Date;
}

type Arrival = 'applied' | 'duplicate' | 'early';

const BATCH = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Apply event e if the view is where the variant wants it; one statement, so the view and the applied log move together. */
async function applyIf(read: pg.Pool, replica: Replica, e: Event, condition: string, set: string) {
  const applied = await read.query(
    `WITH changed AS (
       UPDATE account_view SET ${set} WHERE replica = $1 AND id = $2 AND ${condition} RETURNING 1)
     INSERT INTO applied (replica, account, version, committed_at) SELECT $1, $2, $4, $5 FROM changed`,
    [replica, e.account, e.amount, e.version, e.committedAt],
  );
  return applied.rowCount === 1;
}

const ADD_AND_MOVE = 'balance = balance + $3, version = $4';

async function arrive(read: pg.Pool, replica: Replica, e: Event, variant: string): Promise<Arrival> {
  if (variant === 'unordered')
    // The bug: anything newer than the view is applied at once, so a predecessor that arrives later looks seen.
    return (await applyIf(read, replica, e, 'version < $4', ADD_AND_MOVE)) ? 'applied' : 'duplicate';
  if (await applyIf(read, replica, e, 'version = $4 - 1', ADD_AND_MOVE)) return 'applied';
  const version = (
    await read.query('SELECT version FROM account_view WHERE replica = $1 AND id = $2', [replica, e.account])
  ).rows[0].version;
  if (version < e.version - 1) return 'early';
  // The bug of `double-apply`: a redelivered event's amount is added again.
  if (
    variant === 'double-apply' &&
    (await applyIf(read, replica, e, 'version >= $4', 'balance = balance + $3'))
  )
    return 'applied';
  return 'duplicate';
}

/** Fisher-Yates: the order a transport that keeps no order might deliver in. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Deliver one account's events of a batch in shuffled order. An early event
 * (its predecessor not applied yet) is parked and applied once the
 * predecessor is; true when none is left parked.
 */
async function deliverAccount(read: pg.Pool, replica: Replica, events: Event[], variant: string) {
  await read.query(
    'INSERT INTO account_view (replica, id, balance, version) VALUES ($1, $2, 0, 0) ON CONFLICT DO NOTHING',
    [replica, events[0]!.account],
  );
  const parked = new Map<number, Event>();
  for (const e of shuffled(events)) {
    if ((await arrive(read, replica, e, variant)) === 'early') {
      parked.set(e.version, e);
      continue;
    }
    for (let next = parked.get(e.version + 1); next; next = parked.get(next.version + 1)) {
      parked.delete(next.version);
      if ((await arrive(read, replica, next, variant)) === 'early') {
        parked.set(next.version, next);
        break;
      }
    }
  }
  return parked.size === 0;
}

export function startProjector(
  app: FastifyInstance,
  options: { replica: Replica; write: pg.Pool; read: pg.Pool; variant: string; pollMs: number },
): void {
  const { replica, write, read, variant, pollMs } = options;
  /** Events to deliver again from before the cursor, as a broker does when an acknowledgement is lost. */
  let redeliver = 0;

  app.post('/_chaos/redeliver', async (request, reply) => {
    if (!fromLoopback(request))
      return reply.status(403).send({ error: 'forbidden', message: 'loopback only' });
    const count = (request.body as { count?: unknown } | undefined)?.count;
    if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > BATCH)
      throw new HttpError(400, 'bad_request', `count must be an integer from 0 to ${BATCH}`);
    redeliver = count as number;
    return { redeliver };
  });

  async function projectBatch(): Promise<number> {
    let cursor = Number(
      (await read.query('SELECT seq FROM cursors WHERE replica = $1', [replica])).rows[0].seq,
    );
    if (redeliver > 0) {
      cursor = Math.max(0, cursor - redeliver);
      redeliver = 0;
    }
    const events: Event[] = (
      await write.query(
        'SELECT seq, account, version, amount, committed_at FROM events WHERE seq > $1 ORDER BY seq LIMIT $2',
        [cursor, BATCH],
      )
    ).rows.map((r) => ({
      seq: Number(r.seq),
      account: r.account,
      version: r.version,
      amount: Number(r.amount),
      committedAt: r.committed_at,
    }));
    if (events.length === 0) return 0;
    const byAccount = groupBy(events, (e) => e.account);
    const delivered = await Promise.all(
      [...byAccount.values()].map((list) => deliverAccount(read, replica, list, variant)),
    );
    // Only a batch delivered in full moves the cursor; otherwise all of it comes again.
    if (delivered.every(Boolean))
      await read.query('UPDATE cursors SET seq = GREATEST(seq, $2) WHERE replica = $1', [
        replica,
        events[events.length - 1]!.seq,
      ]);
    return events.length;
  }

  const loop = async () => {
    for (;;) {
      const projected = await projectBatch().catch(() => 0); // a database down: try again after the pause
      if (projected < BATCH) await sleep(pollMs);
    }
  };
  void loop();
}
