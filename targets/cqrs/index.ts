/**
 * CQRS: a write model on Postgres (accounts, and the event each deposit
 * appends in its transaction) and a denormalised read model in another
 * database, with two read replicas each fed by its own projector process.
 * Deposits go to the write service; reads to the read service, passing the
 * newest version the client knows. All four are real HTTP services on
 * loopback, in child processes the target supervises.
 *
 * The workload crashes projectors and makes them redeliver events, as a
 * broker does. Broken variants: `double-apply` (a redelivered event is
 * applied again), `unordered` (no version check: an event overtaken by a
 * later one is dropped), `ignores-min-version` (the read endpoint answers from
 * a replica behind the client).
 */
import { type ConnectionInfo, connectionUrl } from '../../harness/core/database.ts';
import { defineTarget, fail, ok, type TargetContext } from '../../harness/core/target.ts';
import { adminQuery, connectPostgres } from '../../harness/providers/db.ts';
import { startOnFreePorts } from '../../harness/providers/ports.ts';
import { type ServerProcess, startAll } from '../../harness/providers/server-process.ts';
import {
  createServiceDatabases,
  dropServiceDatabases,
  serviceDatabase,
} from '../shared/service-databases.ts';
import { postJson, sendJson, serviceMain, serviceProcess } from '../shared/service-process.ts';
import { type CqrsState, cqrsCheckers } from './checkers.ts';
import { READ_SCHEMA, REPLICAS, type Replica, WRITE_SCHEMA } from './schema.ts';

const MAIN = serviceMain(import.meta.url);
const QUIESCENCE_MS = 15_000;
/** Worker 0 crashes a projector at every this many of its operations. */
const PROJECTOR_CRASH_EVERY = 60;

const PROCESSES = ['write', 'read', 'projector-a', 'projector-b'] as const;
type ProcessName = (typeof PROCESSES)[number];

export interface CqrsServices {
  urls: Record<ProcessName, string>;
  processes: Record<ProcessName, ServerProcess>;
  writeDb: ConnectionInfo;
  readDb: ConnectionInfo;
  /**
   * Per worker: the newest version of each account it wrote or read. Kept here, not in the
   * worker's client, because the runner replaces a client after an unknown outcome and the user
   * it stands for still remembers what they wrote.
   */
  known: Map<number, Map<string, number>>;
}

/** A worker's session: its services, and the versions it knows (sent with its reads). */
interface Session {
  services: CqrsServices;
  known: Map<string, number>;
}

async function startServicesOn(ctx: TargetContext, readDb: ConnectionInfo, ports: number[]) {
  const urls = Object.fromEntries(PROCESSES.map((p, i) => [p, `http://127.0.0.1:${ports[i]}`])) as Record<
    ProcessName,
    string
  >;
  const env = (service: string, replica?: Replica) => ({
    CQRS_SERVICE: service,
    WRITE_DATABASE_URL: connectionUrl(ctx.database),
    READ_DATABASE_URL: connectionUrl(readDb),
    VARIANT: ctx.variant,
    ...(replica ? { REPLICA: replica } : {}),
  });
  const processes = Object.fromEntries(
    PROCESSES.map((p, i) => {
      const [service, replica] = p.split('-') as [string, Replica | undefined];
      return [p, serviceProcess(`cqrs ${p}`, MAIN, ports[i]!, env(service, replica))];
    }),
  ) as Record<ProcessName, ServerProcess>;
  await startAll(PROCESSES.map((p) => processes[p]));
  return { urls, processes };
}

/** Wait until both projectors have passed the last event (and run), up to a limit. */
async function quiesce(services: CqrsServices): Promise<void> {
  const write = await connectPostgres(services.writeDb);
  const read = await connectPostgres(services.readDb);
  try {
    const deadline = Date.now() + QUIESCENCE_MS;
    while (Date.now() < deadline) {
      const last = Number((await write.query('SELECT COALESCE(MAX(seq), 0) AS s FROM events')).rows[0].s);
      const behind = (await read.query('SELECT count(*)::int AS n FROM cursors WHERE seq < $1', [last]))
        .rows[0].n;
      const running = REPLICAS.every((r) => services.processes[`projector-${r}`].running);
      if (behind === 0 && running) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await write.end();
    await read.end();
  }
}

async function readState(services: CqrsServices): Promise<CqrsState> {
  const write = await connectPostgres(services.writeDb);
  const read = await connectPostgres(services.readDb);
  try {
    const accounts = (await write.query('SELECT id, balance, version FROM accounts')).rows;
    const views = (await read.query('SELECT replica, id, balance, version FROM account_view')).rows;
    const applied = (
      await read.query(
        'SELECT replica, account, version, extract(epoch FROM applied_at - committed_at) * 1000 AS lag FROM applied',
      )
    ).rows;
    return {
      accounts: accounts.map((a) => ({ id: a.id, balance: Number(a.balance), version: a.version })),
      views: views.map((v) => ({
        replica: v.replica,
        id: v.id,
        balance: Number(v.balance),
        version: v.version,
      })),
      applied: applied.map((a) => ({
        replica: a.replica,
        account: a.account,
        version: a.version,
        lagMs: Number(a.lag),
      })),
    };
  } finally {
    await write.end();
    await read.end();
  }
}

/** A 5xx or a dropped connection: the request may or may not have taken effect. */
function unknownOutcome(service: string, response: { status: number; body: Record<string, unknown> }): never {
  throw new Error(`${service} ${response.status}: ${String(response.body.message ?? response.body.error)}`);
}

export const cqrs = defineTarget<Session, CqrsState, CqrsServices>({
  name: 'cqrs',
  description:
    'a write model and a read model in two databases, two read replicas fed by projectors from the events',
  database: 'postgres',
  variants: {
    correct: {
      description:
        'projectors apply event v only on version v - 1; reads answer from a replica that reached the client',
      broken: false,
    },
    'double-apply': { description: 'a projector applies a redelivered event again', broken: true },
    unordered: {
      description: 'a projector applies any newer event at once, dropping one that arrives late',
      broken: true,
    },
    'ignores-min-version': {
      description: 'the read endpoint ignores the version the client asked for',
      broken: true,
    },
  },
  async setup(ctx) {
    const readDb = serviceDatabase(ctx, 'read');
    await adminQuery(ctx.database, WRITE_SCHEMA);
    await createServiceDatabases(ctx, { read: READ_SCHEMA });
    const { urls, processes } = await startOnFreePorts(PROCESSES.length, (ports) =>
      startServicesOn(ctx, readDb, ports),
    );
    return { urls, processes, writeDb: ctx.database, readDb, known: new Map() };
  },
  async teardown(ctx) {
    await Promise.all(PROCESSES.map((p) => ctx.env.processes[p].stop()));
    await dropServiceDatabases(ctx, ['read']);
  },
  connect: async (ctx, worker) => {
    if (!ctx.env.known.has(worker)) ctx.env.known.set(worker, new Map());
    return { services: ctx.env, known: ctx.env.known.get(worker)! };
  },
  disconnect: async () => {},
  operations: {
    async deposit(session, args: { account: string; amount: number }, ctx) {
      const response = await postJson(
        `${session.services.urls.write}/accounts/${encodeURIComponent(args.account)}/deposit`,
        { amount: args.amount },
        { signal: ctx.signal },
      );
      if (response.status >= 500) unknownOutcome('write', response);
      if (response.status >= 400) return fail(String(response.body.error));
      const written = response.body as { version: number; balance: number };
      session.known.set(args.account, Math.max(session.known.get(args.account) ?? 0, written.version));
      return ok(written);
    },
    async read(session, args: { account: string }, ctx) {
      const minVersion = session.known.get(args.account) ?? 0;
      const response = await sendJson(
        'GET',
        `${session.services.urls.read}/accounts/${encodeURIComponent(args.account)}?minVersion=${minVersion}`,
        undefined,
        { signal: ctx.signal },
      );
      // A read changes nothing: any failure to answer is a failed read.
      if (response.status !== 200) return fail(String(response.body.error ?? response.status));
      const seen = response.body as { version: number; balance: number; replica: Replica };
      session.known.set(args.account, Math.max(minVersion, seen.version));
      return ok({ ...seen, minVersion });
    },
    async crashProjector(session, args: { replica: Replica; inMs: number }) {
      const response = await postJson(`${session.services.urls[`projector-${args.replica}`]}/_chaos/crash`, {
        inMs: args.inMs,
      });
      return response.status === 200
        ? ok()
        : fail(`projector ${response.status}: ${String(response.body.error)}`);
    },
    async redeliver(session, args: { replica: Replica; count: number }) {
      const response = await postJson(
        `${session.services.urls[`projector-${args.replica}`]}/_chaos/redeliver`,
        {
          count: args.count,
        },
      );
      return response.status === 200
        ? ok()
        : fail(`projector ${response.status}: ${String(response.body.error)}`);
    },
  },
  plan: ({ rng, worker, index, chooseKey }) => {
    const replica = rng.pick(REPLICAS);
    if (worker === 0 && index % PROJECTOR_CRASH_EVERY === PROJECTOR_CRASH_EVERY - 1)
      return { op: 'crashProjector', args: { replica, inMs: rng.int(30) } };
    const account = `account-${chooseKey()}`;
    const roll = rng.next();
    if (roll < 0.05) return { op: 'redeliver', args: { replica, count: 1 + rng.int(20) } };
    if (roll < 0.5) return { op: 'deposit', args: { account, amount: 1 + rng.int(100) } };
    return { op: 'read', args: { account } };
  },
  async finalState(ctx) {
    await quiesce(ctx.env);
    return readState(ctx.env);
  },
  checkers: cqrsCheckers,
});
