/**
 * Employees (MariaDB). Deleting an employee announces it with an
 * `employee.deleted` event. Correct: the event goes into the outbox in the
 * delete's own transaction, and a relay delivers it. Broken:
 * `publish-outside-tx` writes the outbox row after the delete committed (a
 * crash in between loses it); `fire-and-forget-delete` calls the timers
 * service directly without waiting or retrying.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { cappedBackoff } from '../../../harness/core/retry.ts';
import { crashDueAfterCommit, type FaultHooks, HttpError, requireFields } from '../../shared/http-service.ts';

const RELAY_EVERY_MS = 50;
/** Delivery attempts before an event may go to the dead-letter table... */
export const MAX_ATTEMPTS = 8;
/**
 * ...and how long it must have gone undelivered first: longer than a burst of
 * failures or a restart lasts, so only a consumer that stays broken sends
 * events there, not a chaos run's injected faults.
 */
export const DEAD_LETTER_AFTER_MS = 10_000;
/** The wait before retrying an event that failed `attempts` times: doubling from 100 ms up to a second. */
const retryDelayMs = (attempts: number) => cappedBackoff(attempts, RELAY_EVERY_MS, 1000);

async function inTransaction<T>(pool: Pool, work: (db: PoolConnection) => Promise<T>): Promise<T> {
  const db = await pool.getConnection();
  try {
    await db.beginTransaction();
    const result = await work(db);
    await db.commit();
    return result;
  } catch (error) {
    await db.rollback().catch(() => {});
    throw error;
  } finally {
    db.release();
  }
}

/** Variants whose bug is in this service (the others, e.g. consumer-no-dedup, behave correctly here). */
const EMPLOYEES_BUGS = ['publish-outside-tx', 'fire-and-forget-delete'];

const OUTBOX_INSERT = `INSERT INTO outbox (event_id, type, employee_id, created_at) VALUES (?, 'employee.deleted', ?, NOW(6))`;

export function employeesRoutes(
  app: FastifyInstance,
  hooks: FaultHooks,
  pool: Pool,
  variant: string,
  timersUrl: string,
): void {
  app.post('/employees', async (request, reply) => {
    const { id, email } = requireFields<{ id: string; email: string }>(request.body, {
      id: 'string',
      email: 'string',
    });
    const [result] = await pool.query('INSERT IGNORE INTO employee (id, email) VALUES (?, ?)', [id, email]);
    return reply
      .status((result as { affectedRows: number }).affectedRows === 1 ? 201 : 200)
      .send({ id, email });
  });

  app.get<{ Params: { id: string } }>('/employees/:id', async (request) => {
    const [rows] = await pool.query('SELECT id, email FROM employee WHERE id = ?', [request.params.id]);
    const employee = (rows as { id: string; email: string }[])[0];
    if (!employee) throw new HttpError(404, 'unknown_employee', `no employee ${request.params.id}`);
    return employee;
  });

  app.delete<{ Params: { id: string } }>('/employees/:id', async (request) => {
    const id = request.params.id;
    const eventId = randomUUID();
    const deleted = await inTransaction(pool, async (db) => {
      const [result] = await db.query('DELETE FROM employee WHERE id = ?', [id]);
      const affected = (result as { affectedRows: number }).affectedRows;
      // The outbox row shares the delete's transaction, unless this is one of the employees-side bugs.
      if (affected === 1 && !EMPLOYEES_BUGS.includes(variant)) await db.query(OUTBOX_INSERT, [eventId, id]);
      return affected === 1;
    });
    if (!deleted) throw new HttpError(404, 'unknown_employee', `no employee ${id}`);
    // The crash-after-commit hooks (the next delete, or this employee's): the process dies right after
    // the delete committed, so the variants that publish outside the transaction lose the event.
    if (crashDueAfterCommit(hooks, id)) process.kill(process.pid, 'SIGKILL');
    if (variant === 'publish-outside-tx') await pool.query(OUTBOX_INSERT, [eventId, id]);
    if (variant === 'fire-and-forget-delete') {
      void fetch(`${timersUrl}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ eventId, type: 'employee.deleted', employeeId: id }),
      }).catch(() => {});
    }
    return { id, deleted: true, eventId };
  });
}

/** The relay: delivers unpublished outbox events in order, retries failures with a growing delay, dead-letters the hopeless. */
export function startRelay(pool: Pool, timersUrl: string): NodeJS.Timeout {
  let busy = false;
  /** No attempt before this time: the event at the head of the outbox is waiting out its retry delay. */
  let retryAt = 0;
  const tick = async () => {
    if (busy || Date.now() < retryAt) return;
    busy = true;
    try {
      const [rows] = await pool.query(
        `SELECT event_id, type, employee_id, created_at, attempts,
            TIMESTAMPDIFF(MICROSECOND, created_at, NOW(6)) / 1000 AS age_ms
          FROM outbox WHERE published_at IS NULL ORDER BY created_at LIMIT 50`,
      );
      for (const event of rows as {
        event_id: string;
        type: string;
        employee_id: string;
        created_at: Date;
        attempts: number;
        age_ms: string;
      }[]) {
        let error: string | undefined;
        try {
          const response = await fetch(`${timersUrl}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              eventId: event.event_id,
              type: event.type,
              employeeId: event.employee_id,
            }),
            signal: AbortSignal.timeout(2000),
          });
          if (!response.ok) error = `timers ${response.status}`;
        } catch (caught) {
          error = (caught as Error).message;
        }
        if (!error) {
          await pool.query(
            'UPDATE outbox SET published_at = NOW(6), attempts = attempts + 1 WHERE event_id = ?',
            [event.event_id],
          );
        } else if (event.attempts + 1 >= MAX_ATTEMPTS && Number(event.age_ms) >= DEAD_LETTER_AFTER_MS) {
          await inTransaction(pool, async (db) => {
            await db.query(
              'INSERT IGNORE INTO dead_letter (event_id, type, employee_id, created_at, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?)',
              [event.event_id, event.type, event.employee_id, event.created_at, event.attempts + 1, error],
            );
            await db.query('DELETE FROM outbox WHERE event_id = ?', [event.event_id]);
          });
        } else {
          await pool.query('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE event_id = ?', [
            error,
            event.event_id,
          ]);
          retryAt = Date.now() + retryDelayMs(event.attempts + 1);
          break; // keep the order: retry this event before any later one
        }
      }
    } catch {
      // the database is unreachable right now; try again on the next tick
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), RELAY_EVERY_MS);
  timer.unref();
  return timer;
}
