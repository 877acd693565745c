/**
 * Invariants of the saga target, judged on the final state of all four
 * services (read after quiescence) and the orchestrator's saga log.
 */

import { type Checker, operationsByCase, type Violation, verdictOf } from '../../harness/core/check.ts';
import { groupBy } from '../../harness/core/collections.ts';
import type { Operation } from '../../harness/core/history.ts';
import { CUSTOMERS, INITIAL_BALANCE, INITIAL_STOCK, SKUS } from './schema.ts';
import { compensationOrder } from './services/orchestrator.ts';

export interface SagaState {
  orders: { id: string; status: string }[];
  reservations: { orderId: string; sku: string; qty: number; status: string }[];
  stock: { sku: string; available: number; reserved: number }[];
  charges: { orderId: string; key: string | null; amount: number; status: string }[];
  accounts: { customer: string; balance: number }[];
  /** startedAtMs, decidedAtMs: the orchestrator's clock when the saga began and decided (absent: never decided). */
  sagas: { id: string; status: string; startedAtMs?: number; decidedAtMs?: number }[];
  steps: { sagaId: string; step: string; action: string; state: string }[];
}

/** What any saga of the order flow leaves in its services, orchestrated or choreographed. */
export type OrderFlowState = Pick<SagaState, 'orders' | 'reservations' | 'stock' | 'charges' | 'accounts'>;

const LISTED = 20;

/** The placeOrder operations that concern an order, to name in a violation. */
export function opsFor(operations: Operation[], orderId: string): number[] {
  return operations
    .filter((o) => o.op === 'placeOrder' && (o.args as { orderId: string }).orderId === orderId)
    .map((o) => o.id);
}

/** One violation for many cases of an invariant: the count, the first few, and their operations. */
export function summarize(invariant: string, problems: { message: string; ops: number[] }[]): Violation[] {
  if (problems.length === 0) return [];
  return [
    {
      invariant,
      message: `${problems.length} ${problems.length === 1 ? 'case' : 'cases'}; first: ${problems
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ')}`,
      ...operationsByCase(problems.slice(0, LISTED).map((p) => p.ops)),
    },
  ];
}

/** Every saga ends COMPLETED or COMPENSATED, and every order CONFIRMED or CANCELLED: none stuck. */
export const sagasFinish: Checker<SagaState> = {
  name: 'sagas-finish',
  description: 'after recovery no saga is running and no order is pending',
  check({ operations, finalState }) {
    const stuck = [
      ...finalState.sagas
        .filter((s) => s.status === 'RUNNING' || s.status === 'COMPENSATING')
        .map((s) => ({ id: s.id, what: `saga ${s.status}` })),
      ...finalState.orders
        .filter((o) => o.status === 'PENDING')
        .map((o) => ({ id: o.id, what: 'order PENDING' })),
    ];
    return verdictOf(
      'sagas-finish',
      summarize(
        'no-stuck-saga',
        stuck.map((s) => ({ message: `${s.what} for ${s.id}`, ops: opsFor(operations, s.id) })),
      ),
    );
  },
};

/** A confirmed order has its stock reserved and exactly one charge; anything else holds neither. */
export const servicesAgree: Checker<OrderFlowState> = {
  name: 'services-agree',
  description: 'orders, inventory and payments agree on every order',
  check({ operations, finalState }) {
    const order = new Map(finalState.orders.map((o) => [o.id, o.status]));
    const reserved = new Set(
      finalState.reservations.filter((r) => r.status === 'RESERVED').map((r) => r.orderId),
    );
    const charged = groupBy(
      finalState.charges.filter((c) => c.status === 'CHARGED'),
      (c) => c.orderId,
    );
    const ids = new Set([...order.keys(), ...reserved, ...charged.keys()]);
    const problems: { message: string; ops: number[] }[] = [];
    const doubles: { message: string; ops: number[] }[] = [];
    for (const id of ids) {
      const status = order.get(id) ?? 'NONE';
      const charges = charged.get(id)?.length ?? 0;
      if (charges > 1)
        doubles.push({ message: `order ${id} is charged ${charges} times`, ops: opsFor(operations, id) });
      const consistent =
        status === 'CONFIRMED' ? reserved.has(id) && charges >= 1 : !reserved.has(id) && charges === 0;
      if (!consistent) {
        problems.push({
          message: `order ${id} is ${status} but stock is ${reserved.has(id) ? 'reserved' : 'not reserved'} and it is charged ${charges} times`,
          ops: opsFor(operations, id),
        });
      }
    }
    return verdictOf('services-agree', [
      ...summarize('order-consistent-across-services', problems),
      ...summarize('one-charge-per-order', doubles),
    ]);
  },
};

/** Stock and money are conserved: reserved + available = initial; balances + charges = initial. */
export const conserved: Checker<OrderFlowState> = {
  name: 'conserved',
  description: 'no stock or money appears or vanishes',
  check({ finalState }) {
    const violations: Violation[] = [];
    const reservedBySku = groupBy(
      finalState.reservations.filter((r) => r.status === 'RESERVED'),
      (r) => r.sku,
    );
    for (const row of finalState.stock) {
      const held = (reservedBySku.get(row.sku) ?? []).reduce((n, r) => n + r.qty, 0);
      if (row.available + row.reserved !== INITIAL_STOCK || row.reserved !== held || row.available < 0) {
        violations.push({
          invariant: 'stock-conserved',
          message: `${row.sku}: available ${row.available} + reserved ${row.reserved} should be ${INITIAL_STOCK}, with ${held} held by reservations`,
          operations: [],
        });
      }
    }
    const balances = finalState.accounts.reduce((n, a) => n + a.balance, 0);
    const charged = finalState.charges
      .filter((c) => c.status === 'CHARGED')
      .reduce((n, c) => n + c.amount, 0);
    const initial = CUSTOMERS.length * INITIAL_BALANCE;
    if (balances + charged !== initial) {
      violations.push({
        invariant: 'money-conserved',
        message: `balances ${balances} + charges ${charged} = ${balances + charged}, expected ${initial}`,
        operations: [],
      });
    }
    if (finalState.stock.length !== SKUS.length)
      violations.push({ invariant: 'stock-conserved', message: 'a stock row vanished', operations: [] });
    return verdictOf('conserved', violations);
  },
};

/**
 * Each step a compensated saga started is compensated exactly once, in
 * reverse order (a saga that attempted its pivot cancels the order first, as
 * a fence against a late confirm).
 */
export const compensatedOnceInReverse: Checker<SagaState> = {
  name: 'compensated-once-in-reverse',
  description: 'compensations run once per executed step, last step first',
  check({ operations, finalState }) {
    const problems: { message: string; ops: number[] }[] = [];
    const steps = groupBy(finalState.steps, (s) => s.sagaId);
    for (const saga of finalState.sagas.filter((s) => s.status === 'COMPENSATED')) {
      const log = steps.get(saga.id) ?? [];
      // A resumed saga logs its steps again; what counts is each step once, in first-start order.
      const executed = [
        ...new Set(log.filter((s) => s.action === 'execute' && s.state === 'started').map((s) => s.step)),
      ];
      const compensated = log
        .filter((s) => s.action === 'compensate' && s.state === 'done')
        .map((s) => s.step);
      const expected = compensationOrder(executed);
      if (JSON.stringify(compensated) !== JSON.stringify(expected)) {
        problems.push({
          message: `saga ${saga.id} executed [${executed.join(', ')}] but compensated [${compensated.join(', ')}]`,
          ops: opsFor(operations, saga.id),
        });
      }
    }
    return verdictOf(
      'compensated-once-in-reverse',
      summarize('compensation-exactly-once-in-reverse', problems),
    );
  },
};

/** What the client was told matches the end state: COMPLETED means confirmed, compensated means cancelled. */
export const answersMatchState: Checker<SagaState> = {
  name: 'answers-match-state',
  description: 'an acknowledged order is confirmed; a compensated one is cancelled',
  check({ operations, finalState }) {
    const status = new Map(finalState.orders.map((o) => [o.id, o.status]));
    const problems: { message: string; ops: number[] }[] = [];
    for (const o of operations) {
      if (o.op !== 'placeOrder') continue;
      const id = (o.args as { orderId: string }).orderId;
      const now = status.get(id) ?? 'NONE';
      if (o.outcome === 'ok' && now !== 'CONFIRMED')
        problems.push({ message: `#${o.id} was told COMPLETED, order ${id} is ${now}`, ops: [o.id] });
      const compensated =
        o.outcome === 'fail' && (o.value as { status?: string } | undefined)?.status === 'COMPENSATED';
      if (compensated && now === 'CONFIRMED')
        problems.push({ message: `#${o.id} was told COMPENSATED, order ${id} is CONFIRMED`, ops: [o.id] });
    }
    return verdictOf('answers-match-state', summarize('answer-matches-state', problems));
  },
};

export const sagaCheckers = [
  sagasFinish,
  servicesAgree,
  conserved,
  compensatedOnceInReverse,
  answersMatchState,
];
