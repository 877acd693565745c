/**
 * The orchestrator: POST /orders runs the saga create order -> reserve stock
 * -> charge payment -> confirm order. When a step fails it compensates every
 * step it started, in reverse order (refund -> release stock -> cancel
 * order). Each step is logged before it is called; on start-up the
 * orchestrator resumes every saga a crash left running (or finishes its
 * compensation). Confirm is the pivot: once it happened, the saga completes.
 *
 * A saga has a deadline (SAGA_TIMEOUT_MS from its start): a step that does
 * not answer in time is abandoned (its request aborted, so a late answer is
 * never read) and the saga compensates; the services fence out the step's
 * late effect (a compensation that finds nothing to undo leaves a tombstone
 * that refuses it). A saga resumed after a crash past its deadline
 * compensates at once.
 *
 * Variants: `no-compensation` marks a failed saga compensated without
 * compensating; `no-saga-log` keeps the log in memory; `no-timeout` waits
 * for every step as long as it takes.
 */
import type { FastifyInstance } from 'fastify';
import { cappedBackoff } from '../../../harness/core/retry.ts';
import {
  type FaultHooks,
  HttpError,
  idempotencyKey,
  requestHash,
  requireFields,
} from '../../shared/http-service.ts';
import type { SagaLog, SagaRecord } from './saga-log.ts';

interface OrderRequest extends Record<string, unknown> {
  orderId: string;
  customer: string;
  sku: string;
  qty: number;
  amount: number;
}

type ServiceUrls = Record<'orders' | 'payments' | 'inventory', string>;

interface Step {
  name: string;
  service: keyof ServiceUrls;
  execute(order: OrderRequest): { path: string; body: unknown };
  compensate?(order: OrderRequest): { path: string };
}

export const STEPS: Step[] = [
  {
    name: 'create-order',
    service: 'orders',
    execute: (o) => ({ path: '/orders', body: o }),
    compensate: (o) => ({ path: `/orders/${encodeURIComponent(o.orderId)}/cancel` }),
  },
  {
    name: 'reserve',
    service: 'inventory',
    execute: (o) => ({ path: '/reservations', body: { orderId: o.orderId, sku: o.sku, qty: o.qty } }),
    compensate: (o) => ({ path: `/reservations/${encodeURIComponent(o.orderId)}/release` }),
  },
  {
    name: 'charge',
    service: 'payments',
    execute: (o) => ({
      path: '/charges',
      body: { orderId: o.orderId, customer: o.customer, amount: o.amount },
    }),
    compensate: (o) => ({ path: `/charges/${encodeURIComponent(o.orderId)}/refund` }),
  },
  {
    name: 'confirm',
    service: 'orders',
    execute: (o) => ({ path: `/orders/${encodeURIComponent(o.orderId)}/confirm`, body: {} }),
  },
];

/**
 * Which steps to undo, in which order: the reverse of the steps started, except
 * that a saga whose pivot (confirm) was attempted cancels the order first.
 */
export function compensationOrder(started: string[]): string[] {
  const undoable = STEPS.filter((s) => s.compensate && started.includes(s.name))
    .map((s) => s.name)
    .reverse();
  return started.includes('confirm')
    ? ['create-order', ...undoable.filter((s) => s !== 'create-order')]
    : undoable;
}

const CALL_TIMEOUT_MS = 2000;
export const STEP_ATTEMPTS = 3;
const COMPENSATION_ATTEMPTS = 30;
/** A saga decides (completes, or starts compensating) within this long of its start. */
export const SAGA_TIMEOUT_MS = 1000;

type CallResult = { ok: true; body: unknown } | { ok: false; reason: string };

interface CallLimits {
  attempts: number;
  /** Give up when this moment (ms since the epoch) passes: the saga's deadline. */
  deadline?: number;
  /** No timeout at all (the `no-timeout` bug): wait for an answer as long as it takes. */
  unbounded?: boolean;
}

export function orchestratorRoutes(
  app: FastifyInstance,
  _hooks: FaultHooks,
  log: SagaLog,
  urls: ServiceUrls,
  variant: string,
) {
  /** POST to a service; retried with the same Idempotency-Key on network errors and 5xx, never on 4xx. */
  async function call(
    service: keyof ServiceUrls,
    path: string,
    body: unknown,
    key: string,
    limits: CallLimits,
  ): Promise<CallResult> {
    let reason = '';
    for (let attempt = 0; attempt < limits.attempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, cappedBackoff(attempt, 10, 200)));
      const left = Math.min(CALL_TIMEOUT_MS, (limits.deadline ?? Number.POSITIVE_INFINITY) - Date.now());
      if (left <= 0) return { ok: false, reason: `${reason ? `${reason}; ` : ''}the saga timed out` };
      try {
        const response = await fetch(`${urls[service]}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body ?? {}),
          // Aborted at the deadline: an answer arriving later is never read.
          ...(limits.unbounded ? {} : { signal: AbortSignal.timeout(left) }),
        });
        const text = await response.text();
        if (response.ok) return { ok: true, body: text ? JSON.parse(text) : null };
        reason = `${service} ${response.status} ${text.slice(0, 200)}`;
        if (response.status < 500) return { ok: false, reason };
      } catch (error) {
        reason = `${service}: ${(error as Error).message}`;
      }
    }
    return { ok: false, reason };
  }

  /**
   * Undo the steps a saga started, last first. When the pivot (confirm) was
   * attempted, its answer may be lost and a late confirm may still land, so
   * the order is cancelled first: that fences the confirm out. If the cancel
   * finds the order confirmed, the pivot happened and the saga completed.
   */
  async function compensate(
    saga: SagaRecord,
    started: string[],
    alreadyCompensated: string[] = [],
  ): Promise<'COMPLETED' | 'COMPENSATED'> {
    await log.setStatus(saga.id, 'COMPENSATING');
    const order = saga.request as OrderRequest;
    const undo = compensationOrder(started).filter((name) => !alreadyCompensated.includes(name));
    for (const name of undo) {
      const step = STEPS.find((s) => s.name === name)!;
      await log.step(saga.id, step.name, 'compensate', 'started');
      const { path } = step.compensate!(order);
      const result = await call(step.service, path, {}, `${saga.id}:${step.name}:compensate`, {
        attempts: COMPENSATION_ATTEMPTS,
      });
      if (!result.ok && step.name === 'create-order' && (await orderStatus(order.orderId)) === 'CONFIRMED') {
        await log.step(saga.id, step.name, 'compensate', 'failed');
        await log.setStatus(saga.id, 'COMPLETED');
        return 'COMPLETED';
      }
      // A compensation that keeps failing leaves the saga COMPENSATING: the next start-up finishes it.
      if (!result.ok) throw new Error(`compensation ${step.name} of ${saga.id} failed: ${result.reason}`);
      await log.step(saga.id, step.name, 'compensate', 'done');
    }
    await log.setStatus(saga.id, 'COMPENSATED');
    return 'COMPENSATED';
  }

  /** Run (or resume) a saga; `previouslyStarted`: steps a crashed process had started, which a failure must undo too. */
  async function run(
    saga: SagaRecord,
    previouslyStarted: string[] = [],
  ): Promise<{ status: 'COMPLETED' | 'COMPENSATED'; reason?: string }> {
    const order = saga.request as OrderRequest;
    const started = [...previouslyStarted];
    const deadline = variant === 'no-timeout' ? undefined : saga.startedAtMs + SAGA_TIMEOUT_MS;
    const limits: CallLimits =
      deadline === undefined
        ? { attempts: STEP_ATTEMPTS, unbounded: true }
        : { attempts: STEP_ATTEMPTS, deadline };

    const giveUp = async (reason: string) => {
      await log.setStatus(saga.id, 'COMPENSATING', reason, Date.now());
      if (variant === 'no-compensation') {
        await log.setStatus(saga.id, 'COMPENSATED', reason); // the bug: nothing is undone
        return { status: 'COMPENSATED' as const, reason };
      }
      const status = await compensate(saga, started);
      return status === 'COMPLETED' ? { status } : { status, reason };
    };

    for (const step of STEPS) {
      if (deadline !== undefined && Date.now() >= deadline) return giveUp(`timed out before ${step.name}`);
      await log.step(saga.id, step.name, 'execute', 'started');
      if (!started.includes(step.name)) started.push(step.name); // a failed call may still have taken effect: it is undone too
      const { path, body } = step.execute(order);
      const result = await call(step.service, path, body, `${saga.id}:${step.name}`, limits);
      if (result.ok) {
        await log.step(saga.id, step.name, 'execute', 'done');
        continue;
      }
      // Confirm is the pivot: if it did take effect (a lost answer), the saga has completed and must not be undone.
      // Asked within what is left of the deadline: an order that cannot say is cancelled first, which settles it.
      const asking = deadline === undefined ? CALL_TIMEOUT_MS : Math.max(50, deadline - Date.now());
      if (step.name === 'confirm' && (await orderStatus(order.orderId, asking)) === 'CONFIRMED') {
        await log.step(saga.id, step.name, 'execute', 'done');
        break;
      }
      await log.step(saga.id, step.name, 'execute', 'failed');
      return giveUp(`${step.name} failed: ${result.reason}`);
    }
    await log.setStatus(saga.id, 'COMPLETED', undefined, Date.now());
    return { status: 'COMPLETED' };
  }

  /** The order's status as the orders service sees it, or undefined if it cannot say. */
  async function orderStatus(orderId: string, timeoutMs = CALL_TIMEOUT_MS): Promise<string | undefined> {
    try {
      const response = await fetch(`${urls.orders}/orders/${encodeURIComponent(orderId)}`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      return response.ok ? ((await response.json()) as { status: string }).status : undefined;
    } catch {
      return undefined;
    }
  }

  const reply = (saga: { id: string; status: string; reason?: string }) =>
    saga.status === 'COMPLETED'
      ? { code: 201, body: { orderId: saga.id, status: 'COMPLETED' } }
      : {
          code: 409,
          body: {
            error: 'saga_compensated',
            orderId: saga.id,
            status: saga.status,
            reason: saga.reason ?? null,
          },
        };

  /** Sagas a request of this process is running right now. */
  const inFlight = new Set<string>();

  app.post('/orders', async (request, response) => {
    const key = idempotencyKey(request);
    const order = requireFields<OrderRequest>(request.body, {
      orderId: 'string',
      customer: 'string',
      sku: 'string',
      qty: 'number',
      amount: 'number',
    });
    const hash = requestHash(request.body);
    const existing = await log.find(key);
    if (existing) {
      if (existing.hash !== hash)
        throw new HttpError(
          422,
          'idempotency_key_reused',
          'this Idempotency-Key was used with a different order',
        );
      if (existing.status === 'COMPLETED' || existing.status === 'COMPENSATED') {
        const { code, body } = reply(existing);
        return response.status(code).send(body);
      }
      throw new HttpError(409, 'saga_in_progress', `order ${existing.id} is still ${existing.status}`);
    }
    const record = { id: order.orderId, key, hash, request: order, startedAtMs: Date.now() };
    // Marked before the saga exists in the log, so the recovery sweep never resumes it while this request runs it.
    const owned = !inFlight.has(order.orderId);
    if (owned) inFlight.add(order.orderId);
    try {
      if (!(await log.create(record))) {
        const raced = await log.find(key);
        if (raced) throw new HttpError(409, 'saga_in_progress', `order ${raced.id} is being placed`);
        throw new HttpError(
          409,
          'order_exists',
          `order ${order.orderId} was placed with another Idempotency-Key`,
        );
      }
      const outcome = await run({ ...record, status: 'RUNNING' });
      const { code, body } = reply({ id: order.orderId, ...outcome });
      return response.status(code).send(body);
    } finally {
      if (owned) inFlight.delete(order.orderId);
    }
  });

  return {
    /**
     * Finish every saga left unfinished that no request of this process is
     * running: those of a previous process (at start-up) and those whose run
     * broke off when the saga log's database failed (by the periodic sweep).
     * A running one is resumed forward (each step is idempotent under its key,
     * so steps that already happened are not repeated) and compensates only if
     * a step now fails; one that was compensating finishes compensating.
     */
    async recover(): Promise<number> {
      const unfinished = await log.unfinished();
      let resumed = 0;
      for (const listed of unfinished) {
        if (inFlight.has(listed.id)) continue; // a request of this process runs it: no need to read it
        // The list may be stale: a request may have finished or moved this saga on since. Read it
        // again, then (with no await in between) skip it if a request of this process is running it.
        const record = await log.find(listed.key);
        if (!record || (record.status !== 'RUNNING' && record.status !== 'COMPENSATING')) continue;
        if (inFlight.has(record.id)) continue;
        inFlight.add(record.id);
        resumed++;
        const finish = async () => {
          const { executed, compensated } = await log.progress(record.id);
          if (record.status === 'COMPENSATING') await compensate(record, executed, compensated);
          else await run(record, executed);
        };
        await finish()
          .catch(() => {})
          .finally(() => inFlight.delete(record.id));
      }
      return resumed;
    },
  };
}
