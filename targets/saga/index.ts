/**
 * The saga target: orders, payments and inventory services, each with its own
 * Postgres database, and an orchestrator that runs create order -> reserve
 * stock -> charge payment -> confirm order, compensating in reverse on a
 * failure. All four are real HTTP services on loopback, in child processes
 * the target supervises, so the orchestrator can crash mid-saga and come back.
 *
 * The workload places orders (some repeated with the same Idempotency-Key),
 * makes steps fail through the services' fault hooks, and crashes the
 * orchestrator now and then. Broken variants: `no-compensation`,
 * `non-idempotent` (payments charges every retry), `no-saga-log`.
 */
import { type ConnectionInfo, connectionUrl } from '../../harness/core/database.ts';
import { Random } from '../../harness/core/rng.ts';
import {
  defineTarget,
  fail,
  type OperationContext,
  type OperationReturn,
  ok,
  type TargetContext,
} from '../../harness/core/target.ts';
import { connectPostgres } from '../../harness/providers/db.ts';
import { startOnFreePorts } from '../../harness/providers/ports.ts';
import { type ServerProcess, startAll } from '../../harness/providers/server-process.ts';
import {
  createServiceDatabases,
  dropServiceDatabases,
  serviceDatabase,
} from '../shared/service-databases.ts';
import { postJson, serviceMain, serviceProcess } from '../shared/service-process.ts';
import { type SagaState, sagaCheckers } from './checkers.ts';
import { CUSTOMERS, SCHEMAS, SERVICES, type ServiceName, SKUS } from './schema.ts';
import { STEP_ATTEMPTS } from './services/orchestrator.ts';

const MAIN = serviceMain(import.meta.url);
const QUIESCENCE_MS = 15_000;

export interface RunningServices {
  urls: Record<ServiceName, string>;
  processes: Record<ServiceName, ServerProcess>;
  databases: Record<ServiceName, ConnectionInfo>;
}

/** The services on free ports (all on new ones if a port was taken before a service bound it). */
const startServices = (ctx: TargetContext) =>
  startOnFreePorts(SERVICES.length, (ports) => startServicesOn(ctx, ports));

async function startServicesOn(ctx: TargetContext, portList: number[]): Promise<RunningServices> {
  const ports = Object.fromEntries(SERVICES.map((s, i) => [s, portList[i]!])) as Record<ServiceName, number>;
  const urls = Object.fromEntries(SERVICES.map((s) => [s, `http://127.0.0.1:${ports[s]}`])) as Record<
    ServiceName,
    string
  >;
  const databases = Object.fromEntries(SERVICES.map((s) => [s, serviceDatabase(ctx, s)])) as Record<
    ServiceName,
    ConnectionInfo
  >;
  const processes = {} as Record<ServiceName, ServerProcess>;
  for (const service of SERVICES) {
    processes[service] = serviceProcess(`saga ${service}`, MAIN, ports[service], {
      SAGA_SERVICE: service,
      DATABASE_URL: connectionUrl(databases[service]),
      VARIANT: ctx.variant,
      SERVICE_URLS: JSON.stringify({
        orders: urls.orders,
        payments: urls.payments,
        inventory: urls.inventory,
      }),
    });
  }
  await startAll(SERVICES.map((s) => processes[s]));
  return { urls, processes, databases };
}

export interface PlaceOrder {
  orderId: string;
  key: string;
  customer: string;
  sku: string;
  qty: number;
  amount: number;
}

/** Worker w's n-th order, the same every time it is asked for: repeats resend exactly this. */
export function orderOf(seed: number, worker: number, n: number): PlaceOrder {
  const rng = new Random(seed).fork('order', worker, n);
  const orderId = `order-${worker}-${n}-${rng.uuid().slice(0, 8)}`;
  return {
    orderId,
    key: `key-${orderId}`,
    customer: rng.pick(CUSTOMERS),
    sku: rng.pick(SKUS),
    qty: 1 + rng.int(3),
    amount: 1 + rng.int(500),
  };
}

export const STEP_SERVICES = ['orders', 'inventory', 'payments'] as const;

/** The orchestrator's request for an order: the same for the workers, autocannon and k6. */
function placeOrderRequest(args: PlaceOrder) {
  const { key, ...order } = args;
  return { method: 'POST', path: '/orders', headers: { 'idempotency-key': key }, body: order };
}

/** 201: placed. Another 4xx: refused or compensated, so it did not happen. 5xx: unknown. */
function orderOutcome(status: number, body: unknown): OperationReturn | { outcome: 'info'; error: string } {
  const fields = (body ?? {}) as Record<string, unknown>;
  if (status === 201) return ok(body);
  if (status < 500) return fail(`${status} ${String(fields.error)}`, body);
  return { outcome: 'info', error: `orchestrator ${status}: ${String(fields.message)}` };
}

/**
 * The load's `request(seed, iteration)`, for both load engines: iteration n's
 * order, with (when `repeats`) every 10th iteration repeating the order of 5
 * iterations before (same key, same body). Plain JavaScript and
 * self-contained: k6 runs it without the harness's modules.
 */
export const orderRequestSource = ({
  repeats,
}: {
  repeats: boolean;
}) => `const CUSTOMERS = ${JSON.stringify(CUSTOMERS)};
const SKUS = ${JSON.stringify(SKUS)};
function request(seed, iteration) {
  const n = ${repeats ? 'iteration % 10 === 9 ? iteration - 5 : iteration' : 'iteration'};
  // A small integer hash of (seed, n): the same order whichever instance runs the iteration.
  let h = (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0;
  const next = () => {
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  };
  const orderId = 'load-' + seed + '-' + n;
  return {
    method: 'POST',
    path: '/orders',
    headers: { 'idempotency-key': 'key-' + orderId },
    body: {
      orderId,
      customer: CUSTOMERS[next() % CUSTOMERS.length],
      sku: SKUS[next() % SKUS.length],
      qty: 1 + (next() % 3),
      amount: 1 + (next() % 500),
    },
  };
}`;

/** Wait until no saga is running (the orchestrator finishes or recovers them all), up to a limit. */
async function quiesce(services: RunningServices): Promise<void> {
  const client = await connectPostgres(services.databases.orchestrator);
  try {
    const deadline = Date.now() + QUIESCENCE_MS;
    while (Date.now() < deadline) {
      const busy = (
        await client.query(`SELECT count(*)::int AS n FROM sagas WHERE status IN ('RUNNING', 'COMPENSATING')`)
      ).rows[0].n;
      if (busy === 0 && services.processes.orchestrator.running) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.end();
  }
}

async function readState(services: RunningServices): Promise<SagaState> {
  const read = async (service: ServiceName, sql: string) => {
    const client = await connectPostgres(services.databases[service]);
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const [orders, reservations, stock, charges, accounts, sagas, steps] = await Promise.all([
    read('orders', 'SELECT id, status FROM orders'),
    read('inventory', 'SELECT order_id AS "orderId", sku, qty, status FROM reservations'),
    read('inventory', 'SELECT sku, available, reserved FROM stock'),
    read('payments', 'SELECT order_id AS "orderId", idempotency_key AS key, amount, status FROM charges'),
    read('payments', 'SELECT customer, balance FROM accounts'),
    read('orchestrator', 'SELECT id, status, started_at_ms, decided_at_ms FROM sagas'),
    read('orchestrator', 'SELECT saga_id AS "sagaId", step, action, state FROM saga_steps ORDER BY seq'),
  ]);
  return {
    orders,
    reservations,
    stock,
    charges: charges.map((c) => ({ ...c, amount: Number(c.amount) })),
    accounts: accounts.map((a) => ({ customer: a.customer, balance: Number(a.balance) })),
    sagas: sagas.map((s) => ({
      id: s.id,
      status: s.status,
      startedAtMs: Number(s.started_at_ms),
      ...(s.decided_at_ms === null ? {} : { decidedAtMs: Number(s.decided_at_ms) }),
    })),
    steps,
  };
}

/** Place an order through the orchestrator, as a worker does. */
export async function placeOrder(services: RunningServices, args: PlaceOrder, ctx: OperationContext) {
  const request = placeOrderRequest(args);
  const response = await postJson(`${services.urls.orchestrator}${request.path}`, request.body, {
    headers: request.headers,
    signal: ctx.signal,
  });
  const outcome = orderOutcome(response.status, response.body);
  if (outcome.outcome === 'info') throw new Error(outcome.error);
  return outcome;
}

/** Worker 0 crashes the orchestrator once in this many of its operations. */
export const ORCHESTRATOR_CRASH_EVERY = 12;
/** Worker 0's operation indexes that crash the orchestrator: the second (an early crash proves a mutant early), then every ORCHESTRATOR_CRASH_EVERY. */
export const crashesOrchestrator = (index: number) => index % ORCHESTRATOR_CRASH_EVERY === 1;

export const saga = defineTarget<RunningServices, SagaState, RunningServices>({
  name: 'saga',
  description:
    'orders/payments/inventory HTTP services coordinated by an orchestrated saga with compensation',
  database: 'postgres',
  variants: {
    correct: {
      description: 'saga log persisted before each step, compensation in reverse, idempotent services',
      broken: false,
    },
    'no-compensation': {
      description: 'a failed saga is marked compensated without undoing its steps',
      broken: true,
    },
    'non-idempotent': {
      description: 'payments ignores the Idempotency-Key, so a retried charge charges twice',
      broken: true,
    },
    'no-saga-log': {
      description: 'the orchestrator keeps its saga log in memory; a crash strands sagas',
      broken: true,
    },
  },
  async setup(ctx) {
    await createServiceDatabases(ctx, SCHEMAS);
    return startServices(ctx);
  },
  async teardown(ctx) {
    await Promise.all(SERVICES.map((s) => ctx.env.processes[s].stop()));
    await dropServiceDatabases(ctx, SERVICES);
  },
  // Each worker talks HTTP; the services themselves are shared.
  connect: async (ctx) => ctx.env,
  disconnect: async () => {},
  operations: {
    placeOrder,
    async injectFault(
      services,
      args: { service: (typeof STEP_SERVICES)[number]; hook: 'failNext' | 'crashAfterCommit'; count: number },
    ) {
      await postJson(`${services.urls[args.service]}/_chaos`, { [args.hook]: args.count });
      return ok();
    },
    async crashOrchestrator(services, args: { inMs: number }) {
      await postJson(`${services.urls.orchestrator}/_chaos/crash`, { inMs: args.inMs });
      return ok();
    },
  },
  plan: ({ rng, worker, index, seed }) => {
    // Worker 0 crashes the orchestrator now and then, mid-saga for the others.
    if (worker === 0 && crashesOrchestrator(index)) return { op: 'crashOrchestrator', args: { inMs: 20 } };
    // Worker 1 first arms payments to drop two answers after their commit: retried charges, early on.
    if (worker === 1 && index === 0)
      return { op: 'injectFault', args: { service: 'payments', hook: 'crashAfterCommit', count: 2 } };
    const roll = rng.next();
    if (roll < 0.12) {
      // Failing several times as many calls as the orchestrator makes per step lets steps of the
      // concurrent sagas fail for good (and those sagas compensate) instead of just being retried.
      const hook = rng.chance(0.5) ? 'failNext' : 'crashAfterCommit';
      return {
        op: 'injectFault',
        args: { service: rng.pick(STEP_SERVICES), hook, count: hook === 'failNext' ? STEP_ATTEMPTS * 4 : 2 },
      };
    }
    // A repeat resends an earlier order of this worker, same key and body.
    if (roll < 0.22 && index > 0) return { op: 'placeOrder', args: orderOf(seed, worker, rng.int(index)) };
    return { op: 'placeOrder', args: orderOf(seed, worker, index) };
  },
  http: {
    baseUrl: (ctx) => ctx.env.urls.orchestrator,
    // Load engines only place orders (a tenth of them repeats); faults come from the nemesis.
    requestSource: orderRequestSource({ repeats: true }),
    operationOf: (request) => ({
      op: 'placeOrder',
      args: { ...(request.body as Omit<PlaceOrder, 'key'>), key: request.headers?.['idempotency-key'] },
    }),
    outcome: orderOutcome,
    // 201 placed, 402/404/409 refused or compensated, 409 also for a repeat still in progress.
    expectedStatuses: [201, 402, 404, 409],
  },
  async finalState(ctx) {
    await quiesce(ctx.env);
    return readState(ctx.env);
  },
  checkers: sagaCheckers,
});
