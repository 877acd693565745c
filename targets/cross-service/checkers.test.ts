/** The cross-service invariants on hand-written end states, both ways. */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../harness/core/history.ts';
import {
  acknowledgedTimersKept,
  type CrossServiceState,
  eventsAppliedOnce,
  noDanglingReference,
} from './checkers.ts';

function consistent(): CrossServiceState {
  return {
    employees: ['ann'],
    timers: [{ id: 't1', employeeId: 'ann' }],
    outbox: [{ eventId: 'e1', employeeId: 'bob', createdAt: 1000, publishedAt: 1040 }],
    deadLetters: [],
    applied: [{ eventId: 'e1', employeeId: 'bob', appliedAt: 1050 }],
  };
}

const op = (
  id: number,
  name: string,
  args: Record<string, string>,
  outcome: Operation['outcome'] = 'ok',
): Operation => ({
  id,
  worker: 0,
  op: name,
  args,
  outcome,
  invokedAt: id,
  completedAt: id + 1,
});
const operations = [
  op(0, 'createTimer', { id: 't1', employeeId: 'ann' }),
  op(1, 'deleteEmployee', { id: 'bob' }),
];

describe('cross-service checkers', () => {
  it('accept a consistent end state and measure the inconsistency window', () => {
    expect(noDanglingReference.check({ operations, finalState: consistent() }).verdict).toBe('valid');
    expect(acknowledgedTimersKept.check({ operations, finalState: consistent() }).verdict).toBe('valid');
    const events = eventsAppliedOnce.check({ operations, finalState: consistent() });
    expect(events.verdict).toBe('valid');
    expect(events.metrics).toMatchObject({ events: 1, 'inconsistency window p50 ms': 50 });
  });

  it('report a timer of a deleted employee, naming its create and the delete', () => {
    const state = consistent();
    state.timers.push({ id: 't2', employeeId: 'bob' });
    const ops = [...operations, op(2, 'createTimer', { id: 't2', employeeId: 'bob' })];
    expect(noDanglingReference.check({ operations: ops, finalState: state }).violations[0]).toMatchObject({
      invariant: 'timer-references-living-employee',
      operations: [2, 1],
    });
  });

  it('report an event applied twice, never applied, or dead-lettered', () => {
    const twice = consistent();
    twice.applied.push({ eventId: 'e1', employeeId: 'bob', appliedAt: 1200 });
    expect(eventsAppliedOnce.check({ operations, finalState: twice }).violations[0]!.invariant).toBe(
      'applied-once',
    );
    const never = consistent();
    never.applied = [];
    expect(eventsAppliedOnce.check({ operations, finalState: never }).violations[0]!.invariant).toBe(
      'delivered-at-least-once',
    );
    const dead = consistent();
    dead.deadLetters.push({ eventId: 'e2', employeeId: 'cy', attempts: 8 });
    expect(eventsAppliedOnce.check({ operations, finalState: dead }).verdict).toBe('invalid');
  });

  it('report an acknowledged timer of a living employee that is gone, but not one whose create had an unknown outcome', () => {
    const state = consistent();
    state.timers = [];
    const ops = [
      op(0, 'createTimer', { id: 't1', employeeId: 'ann' }),
      op(3, 'createTimer', { id: 't3', employeeId: 'ann' }, 'info'),
    ];
    expect(acknowledgedTimersKept.check({ operations: ops, finalState: state }).violations[0]).toMatchObject({
      operations: [0],
    });
  });
});
