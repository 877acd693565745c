/**
 * Timers (Postgres). A timer stores an employee id its database cannot
 * enforce. Creating one asks the employees service; the `employee.deleted`
 * event deletes (or, with TIMERS_ON_DELETE=orphan, orphans) the employee's
 * timers and leaves a tombstone, under a per-employee lock so a concurrent
 * create cannot slip in between. Events are deduplicated by id; the
 * `consumer-no-dedup` variant applies every delivery.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import {
  type FaultHooks,
  HttpError,
  inTransaction,
  maybeCrashAfterCommit,
  requireFields,
} from '../../shared/http-service.ts';

const lockEmployee = (db: pg.PoolClient, employeeId: string) =>
  db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [employeeId]);

export function timersRoutes(
  app: FastifyInstance,
  hooks: FaultHooks,
  pool: pg.Pool,
  variant: string,
  employeesUrl: string,
  onDelete: string,
): void {
  app.post('/timers', async (request, reply) => {
    const { id, employeeId } = requireFields<{ id: string; employeeId: string }>(request.body, {
      id: 'string',
      employeeId: 'string',
    });
    const employee = await fetch(`${employeesUrl}/employees/${encodeURIComponent(employeeId)}`, {
      signal: AbortSignal.timeout(2000),
    }).catch((error: Error) => {
      throw new HttpError(503, 'employees_unavailable', `employees did not answer: ${error.message}`);
    });
    if (employee.status === 404)
      throw new HttpError(409, 'unknown_employee', `employee ${employeeId} does not exist`);
    if (!employee.ok)
      throw new HttpError(503, 'employees_unavailable', `employees answered ${employee.status}`);
    const created = await inTransaction(pool, async (db) => {
      await lockEmployee(db, employeeId);
      const tombstone = await db.query('SELECT 1 FROM deleted_employees WHERE employee_id = $1', [
        employeeId,
      ]);
      if (tombstone.rowCount)
        throw new HttpError(409, 'unknown_employee', `employee ${employeeId} was deleted`);
      return (
        (
          await db.query('INSERT INTO timers (id, employee_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
            id,
            employeeId,
          ])
        ).rowCount === 1
      );
    });
    return reply.status(created ? 201 : 200).send({ id, employeeId });
  });

  app.post('/events', async (request, reply) => {
    const { eventId, type, employeeId } = requireFields<{
      eventId: string;
      type: string;
      employeeId: string;
    }>(request.body, {
      eventId: 'string',
      type: 'string',
      employeeId: 'string',
    });
    if (type !== 'employee.deleted') throw new HttpError(400, 'unknown_event', `unknown event type ${type}`);
    const applied = await inTransaction(pool, async (db) => {
      await lockEmployee(db, employeeId);
      if (variant !== 'consumer-no-dedup') {
        const fresh = await db.query(
          'INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING',
          [eventId],
        );
        if (fresh.rowCount === 0) return false; // seen before: already applied
      }
      await db.query('INSERT INTO event_log (event_id, employee_id) VALUES ($1, $2)', [eventId, employeeId]);
      await db.query('INSERT INTO deleted_employees (employee_id) VALUES ($1) ON CONFLICT DO NOTHING', [
        employeeId,
      ]);
      if (onDelete === 'orphan')
        await db.query('UPDATE timers SET employee_id = NULL WHERE employee_id = $1', [employeeId]);
      else await db.query('DELETE FROM timers WHERE employee_id = $1', [employeeId]);
      return true;
    });
    if (maybeCrashAfterCommit(hooks, reply, employeeId)) return;
    return reply.send({ eventId, applied });
  });
}
