/**
 * The read service: an account as one of the two read replicas has it, the
 * replica picked at random for each read. The client passes the version it
 * last wrote or read (`minVersion`); the correct service answers only from a
 * replica that has caught up with it (waiting up to a second, then 503), which
 * gives read-your-writes and monotonic reads. The broken `ignores-min-version`
 * answers from whichever replica it picked.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { HttpError } from '../../shared/http-service.ts';
import { REPLICAS, type Replica } from '../schema.ts';

const CATCH_UP_WAIT_MS = 1000;

interface AccountView {
  id: string;
  balance: number;
  version: number;
  replica: Replica;
}

async function readView(pool: pg.Pool, replica: Replica, id: string): Promise<AccountView> {
  const row = (
    await pool.query('SELECT balance, version FROM account_view WHERE replica = $1 AND id = $2', [
      replica,
      id,
    ])
  ).rows[0];
  return { id, balance: row ? Number(row.balance) : 0, version: row ? row.version : 0, replica };
}

export function readRoutes(app: FastifyInstance, pool: pg.Pool, variant: string): void {
  app.get<{ Params: { id: string }; Querystring: { minVersion?: string } }>(
    '/accounts/:id',
    async (request) => {
      const minVersion = Number(request.query.minVersion ?? 0);
      if (!Number.isInteger(minVersion) || minVersion < 0)
        throw new HttpError(400, 'bad_request', 'minVersion must be a non-negative integer');
      const id = request.params.id;
      const first = REPLICAS[Math.random() < 0.5 ? 0 : 1];
      const view = await readView(pool, first, id);
      if (variant === 'ignores-min-version' || view.version >= minVersion) return view;
      // Behind the client: try the other replica, then wait for either to catch up.
      const deadline = Date.now() + CATCH_UP_WAIT_MS;
      for (;;) {
        for (const replica of REPLICAS) {
          const candidate = await readView(pool, replica, id);
          if (candidate.version >= minVersion) return candidate;
        }
        if (Date.now() > deadline)
          throw new HttpError(503, 'not_caught_up', `no replica has reached version ${minVersion} of ${id}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  );
}
