/**
 * Invariants between the employees and timers services, after quiescence:
 * no timer references a deleted employee; every outbox event was delivered
 * and applied exactly once; every acknowledged timer of a living employee is
 * kept. Also measured: the inconsistency window, from the delete's commit to
 * the moment the timers service applied it.
 */

import { type Checker, operationsByCase, type Violation, verdictOf } from '../../harness/core/check.ts';
import { groupBy } from '../../harness/core/collections.ts';
import type { Operation } from '../../harness/core/history.ts';
import { percentile } from '../../harness/core/stats.ts';

export interface CrossServiceState {
  employees: string[];
  timers: { id: string; employeeId: string | null }[];
  outbox: { eventId: string; employeeId: string; createdAt: number; publishedAt: number | null }[];
  deadLetters: { eventId: string; employeeId: string; attempts: number }[];
  applied: { eventId: string; employeeId: string; appliedAt: number }[];
}

const LISTED = 20;

const opsOf = (operations: Operation[], op: string, field: string, value: string) =>
  operations
    .filter((o) => o.op === op && (o.args as Record<string, string>)[field] === value)
    .map((o) => o.id);

export const noDanglingReference: Checker<CrossServiceState> = {
  name: 'no-dangling-reference',
  description: 'after quiescence no timer references a deleted employee',
  check({ operations, finalState }) {
    const alive = new Set(finalState.employees);
    const dangling = finalState.timers.filter((t) => t.employeeId !== null && !alive.has(t.employeeId));
    if (dangling.length === 0) return verdictOf('no-dangling-reference', []);
    const first = dangling[0]!;
    return verdictOf('no-dangling-reference', [
      {
        invariant: 'timer-references-living-employee',
        message: `${dangling.length} timers reference deleted employees; first: timer ${first.id} -> ${first.employeeId}`,
        ...operationsByCase(
          dangling
            .slice(0, LISTED)
            .map((t) => [
              ...opsOf(operations, 'createTimer', 'id', t.id),
              ...opsOf(operations, 'deleteEmployee', 'id', t.employeeId!),
            ]),
        ),
      },
    ]);
  },
};

export const eventsAppliedOnce: Checker<CrossServiceState> = {
  name: 'events-applied-once',
  description: 'every committed outbox event is delivered and applied exactly once',
  check({ operations, finalState }) {
    const applications = groupBy(finalState.applied, (a) => a.eventId);
    const violations: Violation[] = [];
    const twice = [...applications.entries()].filter(([, list]) => list.length > 1);
    if (twice.length > 0) {
      violations.push({
        invariant: 'applied-once',
        message: `${twice.length} events were applied more than once; first: ${twice[0]![0]} applied ${twice[0]![1].length} times`,
        ...operationsByCase(
          twice
            .slice(0, LISTED)
            .map(([, list]) => opsOf(operations, 'deleteEmployee', 'id', list[0]!.employeeId)),
        ),
      });
    }
    const undelivered = finalState.outbox.filter((e) => !applications.has(e.eventId));
    if (undelivered.length > 0) {
      violations.push({
        invariant: 'delivered-at-least-once',
        message: `${undelivered.length} committed events were never applied; first: ${undelivered[0]!.eventId} for ${undelivered[0]!.employeeId}`,
        ...operationsByCase(
          undelivered.slice(0, LISTED).map((e) => opsOf(operations, 'deleteEmployee', 'id', e.employeeId)),
        ),
      });
    }
    if (finalState.deadLetters.length > 0) {
      violations.push({
        invariant: 'delivered-at-least-once',
        message: `${finalState.deadLetters.length} events ended in the dead-letter table (first: ${finalState.deadLetters[0]!.eventId} after ${finalState.deadLetters[0]!.attempts} attempts)`,
        operations: [],
      });
    }
    const windows = finalState.outbox
      .map((e) => (applications.get(e.eventId)?.[0]?.appliedAt ?? Number.NaN) - e.createdAt)
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const result = verdictOf('events-applied-once', violations);
    if (windows.length > 0) {
      result.metrics = {
        events: windows.length,
        'inconsistency window p50 ms': percentile(windows, 50),
        'inconsistency window p99 ms': percentile(windows, 99),
      };
    }
    return result;
  },
};

export const acknowledgedTimersKept: Checker<CrossServiceState> = {
  name: 'acknowledged-timers-kept',
  description: 'an acknowledged timer of an employee who still exists is still there',
  check({ operations, finalState }) {
    const alive = new Set(finalState.employees);
    const timers = new Map(finalState.timers.map((t) => [t.id, t.employeeId]));
    const lost = operations.filter((o) => {
      if (o.op !== 'createTimer' || o.outcome !== 'ok') return false;
      const { id, employeeId } = o.args as { id: string; employeeId: string };
      return alive.has(employeeId) && timers.get(id) !== employeeId;
    });
    return verdictOf(
      'acknowledged-timers-kept',
      lost.length === 0
        ? []
        : [
            {
              invariant: 'acknowledged-timer-kept',
              message: `${lost.length} acknowledged timers of living employees are gone; first: #${lost[0]!.id}`,
              ...operationsByCase(lost.slice(0, LISTED).map((o) => [o.id])),
            },
          ],
    );
  },
};

export const crossServiceCheckers = [noDanglingReference, eventsAppliedOnce, acknowledgedTimersKept];
