/** The choreographed saga's invariants on hand-written end states: consistent ones pass, each kind of damage is named. */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../harness/core/history.ts';
import { conserved, servicesAgree } from '../saga/checkers.ts';
import { type ChoreographyState, SAGA_PATHS, sagasFinish, traceIsASagaPath, tracesOf } from './checkers.ts';
import { CUSTOMERS, INITIAL_BALANCE, INITIAL_STOCK, SKUS } from './schema.ts';

const SERVICE_OF: Record<string, string> = {
  OrderPlaced: 'orders',
  OrderConfirmed: 'orders',
  OrderCancelled: 'orders',
  StockReserved: 'inventory',
  StockRejected: 'inventory',
  StockReleased: 'inventory',
  PaymentCharged: 'payments',
  PaymentFailed: 'payments',
};
const eventsOf = (orderId: string, types: string[], from = 1000) =>
  types.map((type, i) => ({ service: SERVICE_OF[type]!, type, orderId, atMs: from + i * 5 }));

/** o1 completed (qty 2, 30 charged), o2 compensated after a declined card, o3 rejected for stock. */
function consistent(): { operations: Operation[]; finalState: ChoreographyState } {
  return {
    operations: ['o1', 'o2', 'o3'].map((orderId, id) => ({
      id,
      worker: id,
      op: 'placeOrder',
      args: { orderId },
      outcome: 'ok',
      invokedAt: id,
      completedAt: id + 1,
    })),
    finalState: {
      orders: [
        { id: 'o1', status: 'CONFIRMED' },
        { id: 'o2', status: 'CANCELLED' },
        { id: 'o3', status: 'CANCELLED' },
      ],
      reservations: [
        { orderId: 'o1', sku: 'sku-0', qty: 2, status: 'RESERVED' },
        { orderId: 'o2', sku: 'sku-0', qty: 1, status: 'RELEASED' },
      ],
      stock: SKUS.map((sku) => ({
        sku,
        available: sku === 'sku-0' ? INITIAL_STOCK - 2 : INITIAL_STOCK,
        reserved: sku === 'sku-0' ? 2 : 0,
      })),
      charges: [{ orderId: 'o1', key: null, amount: 30, status: 'CHARGED' }],
      accounts: CUSTOMERS.map((customer, i) => ({ customer, balance: INITIAL_BALANCE - (i === 0 ? 30 : 0) })),
      events: [
        ...eventsOf('o1', SAGA_PATHS.completed!),
        ...eventsOf('o2', SAGA_PATHS.compensated!),
        ...eventsOf('o3', SAGA_PATHS.rejected!),
      ],
    },
  };
}

const checkers = [sagasFinish, servicesAgree, conserved, traceIsASagaPath];

describe('choreographed saga invariants', () => {
  it('hold on a consistent end state', () => {
    const input = consistent();
    for (const checker of checkers) expect(checker.check(input).verdict, checker.name).toBe('valid');
  });

  it('a lost compensation event leaves the order pending and the stock reserved, named with its trace', () => {
    const input = consistent();
    input.finalState.orders[1] = { id: 'o2', status: 'PENDING' };
    input.finalState.reservations[1] = { orderId: 'o2', sku: 'sku-0', qty: 1, status: 'RESERVED' };
    input.finalState.events = input.finalState.events.filter(
      (e) => !(e.orderId === 'o2' && ['StockReleased', 'OrderCancelled'].includes(e.type)),
    );
    const stuck = sagasFinish.check(input);
    expect(stuck.verdict).toBe('invalid');
    expect(stuck.violations[0]!.message).toContain(
      'order o2 is PENDING after orders OrderPlaced -> inventory StockReserved -> payments PaymentFailed',
    );
    expect(stuck.violations[0]!.operations).toEqual([1]);
    // The pending saga's trace is shown first; its prefix is still a path.
    const traced = traceIsASagaPath.check(input);
    expect(traced.verdict).toBe('valid');
    expect(traced.traces![0]!.id).toBe('o2');
  });

  it('a charge applied twice is two charges, money charged twice, and a trace off every path', () => {
    const input = consistent();
    input.finalState.charges.push({ orderId: 'o1', key: null, amount: 30, status: 'CHARGED' });
    input.finalState.accounts[0]!.balance -= 30;
    input.finalState.events.push({ service: 'payments', type: 'PaymentCharged', orderId: 'o1', atMs: 1012 });
    expect(servicesAgree.check(input).violations.map((v) => v.invariant)).toEqual(['one-charge-per-order']);
    const traced = traceIsASagaPath.check(input);
    expect(traced.verdict).toBe('invalid');
    expect(traced.violations[0]!.message).toContain('PaymentCharged -> payments PaymentCharged');
  });

  it('stock that vanishes or money that appears is not conserved', () => {
    const input = consistent();
    input.finalState.stock[0]!.available -= 1;
    input.finalState.accounts[1]!.balance += 5;
    expect(conserved.check(input).violations.map((v) => v.invariant)).toEqual([
      'stock-conserved',
      'money-conserved',
    ]);
  });

  it('traces are in time order across services, from the first event', () => {
    const input = consistent();
    input.finalState.events.reverse();
    const trace = tracesOf(input.finalState).get('o2')!;
    expect(trace.steps.map((s) => s.event)).toEqual(SAGA_PATHS.compensated);
    expect(trace.steps.map((s) => s.atMs)).toEqual([0, 5, 10, 15, 20]);
    expect(trace.outcome).toBe('CANCELLED');
  });
});
