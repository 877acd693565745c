/** The saga invariants on hand-written end states: consistent ones pass, each kind of damage is named. */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../harness/core/history.ts';
import {
  answersMatchState,
  compensatedOnceInReverse,
  conserved,
  type SagaState,
  sagasFinish,
  servicesAgree,
} from './checkers.ts';
import { CUSTOMERS, INITIAL_BALANCE, INITIAL_STOCK, SKUS } from './schema.ts';

/** One confirmed order (o1, qty 2, amount 30) and one compensated one (o2), everything consistent. */
function consistent(): SagaState {
  return {
    orders: [
      { id: 'o1', status: 'CONFIRMED' },
      { id: 'o2', status: 'CANCELLED' },
    ],
    reservations: [
      { orderId: 'o1', sku: 'sku-0', qty: 2, status: 'RESERVED' },
      { orderId: 'o2', sku: 'sku-0', qty: 1, status: 'RELEASED' },
    ],
    stock: SKUS.map((sku) =>
      sku === 'sku-0'
        ? { sku, available: INITIAL_STOCK - 2, reserved: 2 }
        : { sku, available: INITIAL_STOCK, reserved: 0 },
    ),
    charges: [
      { orderId: 'o1', key: 'o1:charge', amount: 30, status: 'CHARGED' },
      { orderId: 'o2', key: 'o2:charge', amount: 5, status: 'REFUNDED' },
    ],
    accounts: CUSTOMERS.map((customer, i) => ({ customer, balance: INITIAL_BALANCE - (i === 0 ? 30 : 0) })),
    sagas: [
      { id: 'o1', status: 'COMPLETED' },
      { id: 'o2', status: 'COMPENSATED' },
    ],
    steps: [
      ...['create-order', 'reserve', 'charge'].map((step) => ({
        sagaId: 'o2',
        step,
        action: 'execute',
        state: 'started',
      })),
      ...['charge', 'reserve', 'create-order'].map((step) => ({
        sagaId: 'o2',
        step,
        action: 'compensate',
        state: 'done',
      })),
    ],
  };
}

const place = (id: number, orderId: string, outcome: Operation['outcome'], value?: unknown): Operation => ({
  id,
  worker: 0,
  op: 'placeOrder',
  args: { orderId },
  outcome,
  invokedAt: id,
  completedAt: id + 1,
  ...(value === undefined ? {} : { value }),
});
const operations = [place(0, 'o1', 'ok'), place(1, 'o2', 'fail', { status: 'COMPENSATED' })];
const check = (checker: { check: typeof sagasFinish.check }, state: SagaState, ops = operations) =>
  checker.check({ operations: ops, finalState: state });

describe('saga checkers', () => {
  it('accept a consistent end state', () => {
    for (const checker of [
      sagasFinish,
      servicesAgree,
      conserved,
      compensatedOnceInReverse,
      answersMatchState,
    ]) {
      expect(check(checker, consistent()).verdict).toBe('valid');
    }
  });

  it('report a stuck saga and its pending order', () => {
    const state = consistent();
    state.sagas[1]!.status = 'COMPENSATING';
    state.orders[1]!.status = 'PENDING';
    expect(check(sagasFinish, state).violations[0]).toMatchObject({
      invariant: 'no-stuck-saga',
      operations: [1],
    });
  });

  it('report a cancelled order still holding stock, and a double charge', () => {
    const state = consistent();
    state.reservations[1]!.status = 'RESERVED';
    state.charges.push({ orderId: 'o1', key: 'o1:charge', amount: 30, status: 'CHARGED' });
    expect(check(servicesAgree, state).violations.map((v) => v.invariant)).toEqual([
      'order-consistent-across-services',
      'one-charge-per-order',
    ]);
  });

  it('report stock or money that appeared from nowhere', () => {
    const state = consistent();
    state.stock[0]!.available += 1;
    state.accounts[1]!.balance += 7;
    expect(check(conserved, state).violations.map((v) => v.invariant)).toEqual([
      'stock-conserved',
      'money-conserved',
    ]);
  });

  it('report a compensation missing, repeated or out of order', () => {
    for (const compensated of [
      ['charge', 'create-order'],
      ['charge', 'reserve', 'reserve', 'create-order'],
      ['reserve', 'charge', 'create-order'],
    ]) {
      const state = consistent();
      state.steps = state.steps.filter((s) => s.action === 'execute');
      state.steps.push(
        ...compensated.map((step) => ({ sagaId: 'o2', step, action: 'compensate', state: 'done' })),
      );
      expect(check(compensatedOnceInReverse, state).verdict).toBe('invalid');
    }
  });

  it('report a client told COMPLETED about an order that is not confirmed', () => {
    const state = consistent();
    state.orders[0]!.status = 'CANCELLED';
    expect(check(answersMatchState, state).violations[0]).toMatchObject({
      invariant: 'answer-matches-state',
      operations: [0],
    });
  });
});
