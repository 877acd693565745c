/**
 * The write model: a deposit adds to an account's balance, bumps its version
 * and appends the event in the same transaction, so no event is lost and
 * none is published for a change that did not commit.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { HttpError, inTransaction, requireFields } from '../../shared/http-service.ts';

export function writeRoutes(app: FastifyInstance, pool: pg.Pool): void {
  app.post<{ Params: { id: string } }>('/accounts/:id/deposit', async (request) => {
    const { amount } = requireFields<{ amount: number }>(request.body, { amount: 'number' });
    if (!Number.isInteger(amount) || amount <= 0 || amount > 1_000_000)
      throw new HttpError(400, 'bad_request', 'amount must be an integer from 1 to 1000000');
    const id = request.params.id;
    return inTransaction(pool, async (db) => {
      const row = (
        await db.query(
          `INSERT INTO accounts (id, balance, version) VALUES ($1, $2, 1)
           ON CONFLICT (id) DO UPDATE SET balance = accounts.balance + $2, version = accounts.version + 1
           RETURNING balance, version`,
          [id, amount],
        )
      ).rows[0];
      // Appends take one lock until commit, so events commit in seq order: a projector that has
      // read up to seq N can never see a smaller seq commit later and skip it.
      await db.query('SELECT pg_advisory_xact_lock(1)');
      await db.query('INSERT INTO events (account, version, amount) VALUES ($1, $2, $3)', [
        id,
        row.version,
        amount,
      ]);
      return { id, balance: Number(row.balance), version: row.version };
    });
  });
}
