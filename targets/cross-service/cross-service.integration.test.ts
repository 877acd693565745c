/**
 * The outbox path between the employees (MariaDB) and timers (Postgres)
 * services: events are delivered, applied once however often they arrive,
 * and moved to the dead-letter table when delivery keeps failing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OperationContext, TargetContext } from '../../harness/core/target.ts';
import { connectMariaDb } from '../../harness/providers/db.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../harness/providers/scratch-database.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../../harness/testing/components.ts';
import { postJson, sendJson } from '../shared/service-process.ts';
import { crossService, type Services } from './index.ts';
import { DEAD_LETTER_AFTER_MS, MAX_ATTEMPTS } from './services/employees.ts';

describeWith([await mariadbComponent(), await postgresComponent()], 'cross-service outbox', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  const scratches: ScratchDatabase[] = [];
  let ctx: OperationContext<Services>;
  let urls: { employees: string; timers: string };

  beforeAll(async () => {
    const timersDb = await createScratchDatabase(await pool.get('postgres'));
    const employeesDb = await createScratchDatabase(await pool.get('mariadb'));
    scratches.push(timersDb, employeesDb);
    const base: TargetContext = {
      database: timersDb.info,
      extraDatabases: { mariadb: employeesDb.info },
      variant: 'correct',
      seed: 1,
      keys: 1,
    };
    ctx = { ...base, env: await crossService.setup(base), signal: new AbortController().signal };
    urls = (await crossService.connect(ctx, 0)).urls;
  });
  afterAll(async () => {
    await crossService.teardown?.(ctx);
    for (const scratch of scratches) await scratch.drop();
    await pool.stopAll();
  });

  const waitFor = async (condition: () => Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not reached');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('a delete reaches the timers service through the outbox; redelivery is applied once', async () => {
    await postJson(`${urls.employees}/employees`, { id: 'ann', email: 'ann@example.com' });
    expect((await postJson(`${urls.timers}/timers`, { id: 't1', employeeId: 'ann' })).status).toBe(201);
    // Through the target's own operation, as the workload calls it.
    const deleted = await crossService.operations.deleteEmployee!(
      await crossService.connect(ctx, 0),
      { id: 'ann' },
      ctx,
    );
    expect(deleted.outcome).toBe('ok');
    const { eventId } = deleted.value as { eventId: string };
    await waitFor(async () =>
      (await crossService.finalState(ctx)).applied.some((a) => a.eventId === eventId),
    );
    // The same event again, as a relay retrying after a lost answer would send it.
    const again = await postJson(`${urls.timers}/events`, {
      eventId,
      type: 'employee.deleted',
      employeeId: 'ann',
    });
    expect(again.body).toEqual({ eventId, applied: false });
    const state = await crossService.finalState(ctx);
    expect(state.applied.filter((a) => a.eventId === eventId)).toHaveLength(1);
    expect(state.timers.find((t) => t.id === 't1')).toBeUndefined();
    // A late timer for the deleted employee is refused.
    expect((await postJson(`${urls.timers}/timers`, { id: 't2', employeeId: 'ann' })).body.error).toBe(
      'unknown_employee',
    );
  });

  it('keeps retrying an event for seconds: a timers service failing for 5 s does not lose it', async () => {
    await postJson(`${urls.employees}/employees`, { id: 'cy', email: 'cy@example.com' });
    await postJson(`${urls.timers}/_chaos`, { failNext: 1000 });
    const deleted = await sendJson('DELETE', `${urls.employees}/employees/cy`);
    const { eventId } = deleted.body as { eventId: string };
    await new Promise((r) => setTimeout(r, 5_000));
    await postJson(`${urls.timers}/_chaos`, { failNext: 0 });
    await waitFor(async () =>
      (await crossService.finalState(ctx)).applied.some((a) => a.eventId === eventId),
    );
    const { deadLetters } = await crossService.finalState(ctx);
    expect(deadLetters.filter((d) => d.eventId === eventId)).toEqual([]);
  });

  it('crashes right after committing the delete the hook names, and no other', async () => {
    for (const id of ['dan', 'eve'])
      await postJson(`${urls.employees}/employees`, { id, email: `${id}@example.com` });
    await postJson(`${urls.employees}/_chaos`, { crashAfterCommitOf: 'dan' });
    expect((await sendJson('DELETE', `${urls.employees}/employees/eve`)).status).toBe(200);
    const crashed = await sendJson('DELETE', `${urls.employees}/employees/dan`).catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(Error); // no answer: the process died
    // The delete had committed with its outbox row: once the service is back, the event is delivered.
    await waitFor(async () =>
      (await crossService.finalState(ctx)).applied.some((a) => a.employeeId === 'dan'),
    );
    expect((await crossService.finalState(ctx)).employees).not.toContain('dan');
  });

  it('moves an event that keeps failing to the dead-letter table after the last attempt', async () => {
    await postJson(`${urls.employees}/employees`, { id: 'bob', email: 'bob@example.com' });
    await postJson(`${urls.timers}/_chaos`, { failNext: 1000 });
    const deletedAt = Date.now();
    await fetch(`${urls.employees}/employees/bob`, { method: 'DELETE' });
    const db = await connectMariaDb(ctx.extraDatabases!.mariadb!);
    try {
      await waitFor(async () => {
        const [rows] = await db.query("SELECT attempts FROM dead_letter WHERE employee_id = 'bob'");
        return (rows as unknown[]).length === 1;
      }, 2 * DEAD_LETTER_AFTER_MS);
      // Given up only after its attempts and the time a consumer must stay broken, not within a burst.
      expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(DEAD_LETTER_AFTER_MS);
      const [dead] = await db.query("SELECT attempts, last_error FROM dead_letter WHERE employee_id = 'bob'");
      expect(dead).toEqual([{ attempts: expect.any(Number), last_error: 'timers 503' }]);
      expect((dead as { attempts: number }[])[0]!.attempts).toBeGreaterThanOrEqual(MAX_ATTEMPTS);
      const [left] = await db.query("SELECT COUNT(*) AS n FROM outbox WHERE employee_id = 'bob'");
      expect(Number((left as { n: number }[])[0]!.n)).toBe(0);
    } finally {
      await postJson(`${urls.timers}/_chaos`, { failNext: 0 });
      await db.end();
    }
  });
});
