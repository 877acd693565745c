/**
 * The choreographed saga: the order flow of the `saga` target (order ->
 * stock -> payment -> confirm) with no orchestrator. Orders, inventory and
 * payments each have their own Postgres database and react to each other's
 * events, published through their outboxes and consumed with deduplication;
 * a failed payment publishes an event that travels back as compensation. All
 * three are real HTTP services on loopback, in child processes the target
 * supervises; the workload crashes them right after a commit and makes
 * them refuse deliveries for a while.
 *
 * Broken variants: `no-compensation-handler` (inventory ignores
 * PaymentFailed), `consumer-no-dedup` (payments charges a redelivered event
 * again), `publish-outside-tx` (payments writes its event after committing
 * the charge: a crash in between loses it).
 */
import { type ConnectionInfo, connectionUrl } from '../../harness/core/database.ts';
import { Random } from '../../harness/core/rng.ts';
import { defineTarget, fail, ok, type TargetContext } from '../../harness/core/target.ts';
import { connectPostgres } from '../../harness/providers/db.ts';
import { startOnFreePorts } from '../../harness/providers/ports.ts';
import { type ServerProcess, startAll } from '../../harness/providers/server-process.ts';
import {
  createServiceDatabases,
  dropServiceDatabases,
  serviceDatabase,
} from '../shared/service-databases.ts';
import { postJson, serviceMain, serviceProcess } from '../shared/service-process.ts';
import { type ChoreographyState, choreographyCheckers } from './checkers.ts';
import { CUSTOMERS, SCHEMAS, SERVICES, type ServiceName, SKUS, UNSTOCKED_SKU } from './schema.ts';

const MAIN = serviceMain(import.meta.url);
const QUIESCENCE_MS = 15_000;
/** Worker 0 crashes a service every this many of its operations, in this order (a restart takes about half a second). */
const CRASH_EVERY = 20;
const CRASH_ORDER: ServiceName[] = ['payments', 'inventory', 'orders'];

export interface ChoreographyServices {
  urls: Record<ServiceName, string>;
  processes: Record<ServiceName, ServerProcess>;
  databases: Record<ServiceName, ConnectionInfo>;
}

async function startServicesOn(ctx: TargetContext, ports: number[]): Promise<ChoreographyServices> {
  const urls = Object.fromEntries(SERVICES.map((s, i) => [s, `http://127.0.0.1:${ports[i]}`])) as Record<
    ServiceName,
    string
  >;
  const databases = Object.fromEntries(SERVICES.map((s) => [s, serviceDatabase(ctx, s)])) as Record<
    ServiceName,
    ConnectionInfo
  >;
  const processes = Object.fromEntries(
    SERVICES.map((s, i) => [
      s,
      serviceProcess(`choreography ${s}`, MAIN, ports[i]!, {
        CHOREO_SERVICE: s,
        DATABASE_URL: connectionUrl(databases[s]),
        VARIANT: ctx.variant,
        SERVICE_URLS: JSON.stringify(urls),
      }),
    ]),
  ) as Record<ServiceName, ServerProcess>;
  await startAll(SERVICES.map((s) => processes[s]));
  return { urls, processes, databases };
}

/** Run `sql` on each service's database. */
async function onEach<T>(services: ChoreographyServices, sql: (service: ServiceName) => string | undefined) {
  return Object.fromEntries(
    await Promise.all(
      SERVICES.map(async (service) => {
        const query = sql(service);
        if (!query) return [service, []];
        const client = await connectPostgres(services.databases[service]);
        try {
          return [service, (await client.query(query)).rows];
        } finally {
          await client.end();
        }
      }),
    ),
  ) as Record<ServiceName, T[]>;
}

/** Wait until every outbox is published, twice in a row, with every service up (or a limit). */
async function quiesce(services: ChoreographyServices): Promise<void> {
  const deadline = Date.now() + QUIESCENCE_MS;
  let quietTimes = 0;
  while (Date.now() < deadline && quietTimes < 2) {
    const unpublished = await onEach<{ n: number }>(
      services,
      () => 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
    ).catch(() => undefined);
    const quiet =
      unpublished !== undefined &&
      SERVICES.every((s) => unpublished[s][0]?.n === 0 && services.processes[s].running);
    quietTimes = quiet ? quietTimes + 1 : 0;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readState(services: ChoreographyServices): Promise<ChoreographyState> {
  const rows = await onEach<Record<string, unknown>>(services, (service) => {
    if (service === 'orders') return 'SELECT id, status FROM orders';
    if (service === 'inventory') return 'SELECT order_id AS "orderId", sku, qty, status FROM reservations';
    return 'SELECT order_id AS "orderId", amount FROM charges';
  });
  const more = await onEach<Record<string, unknown>>(services, (service) =>
    service === 'inventory'
      ? 'SELECT sku, available, reserved FROM stock'
      : service === 'payments'
        ? 'SELECT customer, balance FROM accounts'
        : undefined,
  );
  const events = await onEach<{ type: string; orderId: string; atMs: string }>(
    services,
    () => 'SELECT type, order_id AS "orderId", extract(epoch FROM created_at) * 1000 AS "atMs" FROM outbox',
  );
  return {
    orders: rows.orders as ChoreographyState['orders'],
    reservations: rows.inventory as ChoreographyState['reservations'],
    // A charge here is never refunded: compensation comes before any charge.
    charges: rows.payments.map((c) => ({
      orderId: String(c.orderId),
      key: null,
      amount: Number(c.amount),
      status: 'CHARGED',
    })),
    stock: more.inventory as ChoreographyState['stock'],
    accounts: more.payments.map((a) => ({ customer: String(a.customer), balance: Number(a.balance) })),
    events: SERVICES.flatMap((service) =>
      events[service].map((e) => ({ service, type: e.type, orderId: e.orderId, atMs: Number(e.atMs) })),
    ),
  };
}

export interface PlaceOrder {
  orderId: string;
  customer: string;
  sku: string;
  qty: number;
  amount: number;
  card: 'ok' | 'declined';
}

/** Worker w's n-th order: a tenth for a sku nobody stocks, a fifth paid with a declined card. */
function orderOf(seed: number, worker: number, n: number): PlaceOrder {
  const rng = new Random(seed).fork('choreography-order', worker, n);
  return {
    orderId: `order-${worker}-${n}-${rng.uuid().slice(0, 8)}`,
    customer: rng.pick(CUSTOMERS),
    sku: rng.chance(0.1) ? UNSTOCKED_SKU : rng.pick(SKUS),
    qty: 1 + rng.int(3),
    amount: 1 + rng.int(500),
    card: rng.chance(0.2) ? 'declined' : 'ok',
  };
}

export const choreography = defineTarget<ChoreographyServices, ChoreographyState, ChoreographyServices>({
  name: 'choreography',
  description:
    'orders, inventory and payments services in a choreographed saga: outbox events, no orchestrator',
  database: 'postgres',
  variants: {
    correct: {
      description:
        'events written in the transaction of the change, consumed once by id, compensation handled',
      broken: false,
    },
    'no-compensation-handler': { description: 'inventory has no handler for PaymentFailed', broken: true },
    'consumer-no-dedup': {
      description: 'payments charges again for a redelivered StockReserved',
      broken: true,
    },
    'publish-outside-tx': {
      description: "payments writes its event after the charge's transaction committed",
      broken: true,
    },
  },
  async setup(ctx) {
    await createServiceDatabases(ctx, SCHEMAS);
    return startOnFreePorts(SERVICES.length, (ports) => startServicesOn(ctx, ports));
  },
  async teardown(ctx) {
    await Promise.all(SERVICES.map((s) => ctx.env.processes[s].stop()));
    await dropServiceDatabases(ctx, SERVICES);
  },
  connect: async (ctx) => ctx.env,
  disconnect: async () => {},
  operations: {
    /** Accepted (202) means the saga began; how it ends is read from the services afterwards. */
    async placeOrder(services, args: PlaceOrder, ctx) {
      const response = await postJson(`${services.urls.orders}/orders`, args, { signal: ctx.signal });
      if (response.status === 202) return ok(response.body);
      if (response.status < 500) return fail(`${response.status} ${String(response.body.error)}`);
      throw new Error(`orders ${response.status}: ${String(response.body.message)}`);
    },
    async injectFault(
      services,
      args: { service: ServiceName; hook: 'failNext' | 'crashAfterCommit'; count: number },
    ) {
      const response = await postJson(`${services.urls[args.service]}/_chaos`, { [args.hook]: args.count });
      return response.status === 200
        ? ok()
        : fail(`${args.service} ${response.status}: ${String(response.body.error)}`);
    },
  },
  plan: ({ rng, worker, index, seed }) => {
    // Worker 0 crashes a service right after its next commit, payments first (its third operation),
    // then every CRASH_EVERY: the relay upstream redelivers what the crash left unanswered.
    if (worker === 0 && index % CRASH_EVERY === 3)
      return {
        op: 'injectFault',
        args: {
          service: CRASH_ORDER[Math.floor(index / CRASH_EVERY) % CRASH_ORDER.length]!,
          hook: 'crashAfterCommit',
          count: 1,
        },
      };
    // Deliveries refused for a while: the relays retry.
    if (rng.chance(0.05))
      return { op: 'injectFault', args: { service: rng.pick(SERVICES), hook: 'failNext', count: 3 } };
    return { op: 'placeOrder', args: orderOf(seed, worker, index) };
  },
  async finalState(ctx) {
    await quiesce(ctx.env);
    return readState(ctx.env);
  },
  checkers: choreographyCheckers,
});
