/**
 * The article's fourth problem: two services with their own databases that
 * reference each other. Employees live in MariaDB, timers in Postgres; a
 * timer holds an employee id the timers database cannot enforce. Deleting an
 * employee publishes `employee.deleted` through an outbox; the timers
 * service deletes (or orphans, TIMERS_ON_DELETE) that employee's timers.
 *
 * Broken variants: `publish-outside-tx` (outbox row written after the delete
 * committed), `fire-and-forget-delete` (no outbox, one unretried call),
 * `consumer-no-dedup` (the timers service applies every delivery).
 */
import { type ConnectionInfo, connectionUrl } from '../../harness/core/database.ts';
import { defineTarget, fail, ok, type TargetContext } from '../../harness/core/target.ts';
import { adminQuery, connectMariaDb, connectPostgres } from '../../harness/providers/db.ts';
import { startOnFreePorts } from '../../harness/providers/ports.ts';
import { type ServerProcess, startAll } from '../../harness/providers/server-process.ts';
import { postJson, sendJson, serviceMain, serviceProcess } from '../shared/service-process.ts';
import { type CrossServiceState, crossServiceCheckers } from './checkers.ts';
import { EMPLOYEES_SCHEMA, TIMERS_SCHEMA } from './schema.ts';

const MAIN = serviceMain(import.meta.url);
const QUIESCENCE_MS = 15_000;
/** One operation in EMPLOYEE_EVERY creates an employee; the rest use employees created so far. */
const EMPLOYEE_EVERY = 5;
/** Worker 0's crash-and-delete cycle: its length, and the index in it of the employee deleted. */
export const CRASH_EVERY = 20;
/** The step of worker 0's cycle that creates the employee it deletes under a crash: the second. */
export const VICTIM_AT = 1;
/** What worker 0 does from VICTIM_AT on, to that employee. */
export const CYCLE = [
  'createEmployee',
  'createEmployee',
  'createTimer',
  'createTimer',
  'injectFault',
  'deleteEmployee',
] as const;
/** How many of each worker's latest employees timers and deletes choose from. */
const RECENT_EMPLOYEES = 3;

export interface Services {
  urls: { employees: string; timers: string };
  processes: { employees: ServerProcess; timers: ServerProcess };
  employeesDb: ConnectionInfo;
  timersDb: ConnectionInfo;
}

/** The employees and timers services on the given ports, each told the other's URL. */
async function startServices(
  employeesDb: ConnectionInfo,
  ctx: TargetContext,
  employeesPort: number,
  timersPort: number,
): Promise<Pick<Services, 'urls' | 'processes'>> {
  const urls = { employees: `http://127.0.0.1:${employeesPort}`, timers: `http://127.0.0.1:${timersPort}` };
  const processes = {
    employees: serviceProcess('employees', MAIN, employeesPort, {
      SERVICE: 'employees',
      DATABASE_URL: connectionUrl(employeesDb),
      VARIANT: ctx.variant,
      PEER_URL: urls.timers,
    }),
    timers: serviceProcess('timers', MAIN, timersPort, {
      SERVICE: 'timers',
      DATABASE_URL: connectionUrl(ctx.database),
      VARIANT: ctx.variant,
      PEER_URL: urls.employees,
      TIMERS_ON_DELETE: process.env.TIMERS_ON_DELETE ?? 'delete',
    }),
  };
  await startAll([processes.employees, processes.timers]);
  return { urls, processes };
}

const employeeId = (worker: number, index: number) => `emp-${worker}-${index}`;
/** Worker 0's employee of the crash cycle that starts at this index: not an `emp-` one, so no other worker picks it. */
const victimOf = (cycleStart: number) => `victim-0-${cycleStart}`;

async function quiesce(services: Services, variant: string): Promise<void> {
  if (variant === 'fire-and-forget-delete') {
    await new Promise((r) => setTimeout(r, 500)); // nothing to wait for but calls already in flight
    return;
  }
  const db = await connectMariaDb(services.employeesDb);
  try {
    const deadline = Date.now() + QUIESCENCE_MS;
    while (Date.now() < deadline) {
      const [rows] = await db.query('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
      if (Number((rows as { n: number }[])[0]!.n) === 0 && services.processes.employees.running) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await db.end();
  }
}

export const crossService = defineTarget<Services, CrossServiceState, Services>({
  name: 'cross-service',
  description:
    'employees (MariaDB) and timers (Postgres) services; employee deletes reach timers through an outbox',
  database: 'postgres',
  extraDatabases: ['mariadb'],
  variants: {
    correct: {
      description:
        'outbox row in the delete transaction, relay with retries and dead letters, deduplicating consumer',
      broken: false,
    },
    'publish-outside-tx': {
      description: 'the outbox row is written after the delete committed',
      broken: true,
    },
    'fire-and-forget-delete': {
      description: 'no outbox: the delete calls the timers service once and does not wait',
      broken: true,
    },
    'consumer-no-dedup': {
      description: 'the timers service applies every delivery of an event',
      broken: true,
    },
  },
  async setup(ctx: TargetContext) {
    const employeesDb = ctx.extraDatabases!.mariadb!;
    await adminQuery(employeesDb, EMPLOYEES_SCHEMA);
    await adminQuery(ctx.database, TIMERS_SCHEMA);
    // Each service is told the other's URL: on a lost port, both start again on new ones.
    const { urls, processes } = await startOnFreePorts(2, ([employeesPort, timersPort]) =>
      startServices(employeesDb, ctx, employeesPort!, timersPort!),
    );
    return { urls, processes, employeesDb, timersDb: ctx.database };
  },
  async teardown(ctx) {
    await Promise.all([ctx.env.processes.employees.stop(), ctx.env.processes.timers.stop()]);
  },
  connect: async (ctx) => ctx.env,
  disconnect: async () => {},
  operations: {
    async createEmployee(services, args: { id: string }, ctx) {
      const response = await postJson(
        `${services.urls.employees}/employees`,
        { id: args.id, email: `${args.id}@example.com` },
        { signal: ctx.signal },
      );
      if (response.status < 300) return ok();
      if (response.status < 500) return fail(String(response.body.error));
      throw new Error(`employees ${response.status}`);
    },
    async createTimer(services, args: { id: string; employeeId: string }, ctx) {
      const response = await postJson(`${services.urls.timers}/timers`, args, { signal: ctx.signal });
      if (response.status < 300) return ok();
      // 409: no such employee (never created yet, or deleted); 503: employees unreachable, nothing written.
      if (
        response.status < 500 ||
        response.body.error === 'employees_unavailable' ||
        response.body.error === 'injected_failure'
      ) {
        return fail(String(response.body.error));
      }
      throw new Error(`timers ${response.status}`);
    },
    async deleteEmployee(services, args: { id: string }, ctx) {
      const response = await sendJson(
        'DELETE',
        `${services.urls.employees}/employees/${encodeURIComponent(args.id)}`,
        undefined,
        { signal: ctx.signal },
      );
      if (response.status < 300) return ok(response.body);
      if (response.status < 500 || response.body.error === 'injected_failure')
        return fail(String(response.body.error));
      throw new Error(`employees ${response.status}`);
    },
    async injectFault(
      services,
      args: { service: 'employees' | 'timers' } & (
        | { hook: 'failNext' | 'crashAfterCommit'; value: number }
        // A crash aimed at the change of one employee (its delete, its timers' creation).
        | { hook: 'crashAfterCommitOf'; value: string }
      ),
    ) {
      await postJson(`${services.urls[args.service]}/_chaos`, { [args.hook]: args.value });
      return ok();
    },
  },
  plan: ({ rng, worker, index, keyCount }) => {
    // Every CRASH_EVERY operations, from its second on, worker 0 creates an employee of its own (one no
    // other worker picks, so none deletes it first), gives it a timer, arms the employees service to
    // crash right after that employee's delete commits, and deletes it: the moment an event is kept
    // (outbox in the transaction) or lost (the broken publishing variants), with a timer left behind to
    // show the loss. Early, so a mutant is proven early; not more often: the employees service takes
    // about a second to restart, and while it is down nothing is deleted.
    // The create and the timer are each sent twice: the other workers' injected failures often refuse one.
    const step = index % CRASH_EVERY;
    if (worker === 0 && step >= VICTIM_AT && step < VICTIM_AT + CYCLE.length) {
      const victim = victimOf(index - step);
      const op = CYCLE[step - VICTIM_AT]!;
      if (op === 'createEmployee') return { op, args: { id: victim } };
      if (op === 'createTimer') return { op, args: { id: `timer-0-${index}`, employeeId: victim } };
      if (op === 'injectFault')
        return { op, args: { service: 'employees', hook: 'crashAfterCommitOf', value: victim } };
      return { op, args: { id: victim } };
    }
    if (index % EMPLOYEE_EVERY === 0)
      return { op: 'createEmployee', args: { id: employeeId(worker, index) } };
    // One of the few employees created most recently (by any worker): timers and deletes concentrate
    // on them, so a deleted employee usually has timers and a lost delete event leaves them dangling.
    const latest = Math.floor(index / EMPLOYEE_EVERY);
    const someEmployee = () =>
      employeeId(rng.int(keyCount), EMPLOYEE_EVERY * Math.max(0, latest - rng.int(RECENT_EMPLOYEES)));
    const roll = rng.next();
    if (roll < 0.15) return { op: 'deleteEmployee', args: { id: someEmployee() } };
    if (roll < 0.23) {
      // Requests fail now and then on both services; the timers service also crashes (the
      // employees' crashes come from worker 0 alone, so it is up long enough to delete).
      const service = rng.chance(0.3) ? 'timers' : 'employees';
      const hook = service === 'timers' && rng.chance(0.5) ? 'crashAfterCommit' : 'failNext';
      return { op: 'injectFault', args: { service, hook, value: hook === 'failNext' ? 3 : 1 } };
    }
    return { op: 'createTimer', args: { id: `timer-${worker}-${index}`, employeeId: someEmployee() } };
  },
  async finalState(ctx) {
    const services = ctx.env;
    await quiesce(services, ctx.variant);
    const employeesDb = await connectMariaDb(services.employeesDb);
    const timersDb = await connectPostgres(services.timersDb);
    try {
      const [employees] = await employeesDb.query('SELECT id FROM employee');
      const [outbox] = await employeesDb.query(
        'SELECT event_id AS eventId, employee_id AS employeeId, UNIX_TIMESTAMP(created_at) * 1000 AS createdAt, UNIX_TIMESTAMP(published_at) * 1000 AS publishedAt FROM outbox',
      );
      const [dead] = await employeesDb.query(
        'SELECT event_id AS eventId, employee_id AS employeeId, attempts FROM dead_letter',
      );
      const timers = (await timersDb.query('SELECT id, employee_id AS "employeeId" FROM timers')).rows;
      const applied = (
        await timersDb.query(
          'SELECT event_id AS "eventId", employee_id AS "employeeId", extract(epoch FROM applied_at) * 1000 AS "appliedAt" FROM event_log',
        )
      ).rows;
      return {
        employees: (employees as { id: string }[]).map((e) => e.id),
        timers,
        outbox: (
          outbox as { eventId: string; employeeId: string; createdAt: string; publishedAt: string | null }[]
        ).map((e) => ({
          eventId: e.eventId,
          employeeId: e.employeeId,
          createdAt: Number(e.createdAt),
          publishedAt: e.publishedAt === null ? null : Number(e.publishedAt),
        })),
        deadLetters: dead as { eventId: string; employeeId: string; attempts: number }[],
        applied: applied.map((a) => ({
          eventId: a.eventId,
          employeeId: a.employeeId,
          appliedAt: Number(a.appliedAt),
        })),
      };
    } finally {
      await employeesDb.end();
      await timersDb.end();
    }
  },
  checkers: crossServiceCheckers,
});
