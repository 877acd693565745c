/**
 * References between tables (the article's timer -> employee foreign key).
 *
 * History: `createTimer` with args `{ employeeUuid, timerUuid }` (value
 * `{ employeeId }` when ok) and `deleteEmployee` with args `{ employeeUuid }`
 * (value `{ employeeId }` when ok).
 * Final state: every timer (uuid, employee id) and every employee (id, uuid).
 *
 * Invariants:
 * - no-orphan-timer: every timer references an existing employee.
 * - create-after-delete-fails: a create invoked after the delete of its
 *   employee was acknowledged must not succeed.
 * - acknowledged-timer-exists: every acknowledged create left its timer.
 * - refused-create-absent: a create that failed (for a missing employee, say)
 *   failed cleanly and left no timer.
 */

import { type Checker, type Violation, verdictOf } from '../core/check.ts';
import type { Operation } from '../core/history.ts';

export interface TimerRow {
  uuid: string;
  employeeId: number;
}

export interface EmployeeRef {
  id: number;
  uuid: string;
}

export interface TimerState {
  timers: TimerRow[];
  employees: EmployeeRef[];
}

export function noOrphans(): Checker<TimerState> {
  return {
    name: 'no-orphans',
    description: 'no timer references a missing employee; creates for a deleted employee fail',
    check({ operations, finalState }) {
      const violations: Violation[] = [];
      const employeeIds = new Set(finalState.employees.map((e) => e.id));
      const creates = operations.filter((o) => o.op === 'createTimer');
      const deletes = operations.filter((o) => o.op === 'deleteEmployee' && o.outcome === 'ok');
      const createByTimer = new Map(creates.map((o) => [(o.args as { timerUuid: string }).timerUuid, o]));
      const deleteById = new Map(deletes.map((o) => [(o.value as { employeeId: number }).employeeId, o]));

      for (const timer of finalState.timers) {
        if (employeeIds.has(timer.employeeId)) continue;
        const creator = createByTimer.get(timer.uuid);
        const deleter = deleteById.get(timer.employeeId);
        const proof = [creator, deleter].filter((o): o is Operation => o !== undefined);
        violations.push({
          invariant: 'no-orphan-timer',
          message: `timer ${timer.uuid} references employee id ${timer.employeeId}, which no longer exists${creator ? ` (created by #${creator.id}` : ''}${deleter ? `${creator ? ',' : ' ('} employee deleted by #${deleter.id})` : creator ? ')' : ''}`,
          operations: proof.map((o) => o.id),
        });
      }

      const deleteByUuid = new Map(
        deletes.map((o) => [(o.args as { employeeUuid: string }).employeeUuid, o]),
      );
      const timerUuids = new Set(finalState.timers.map((t) => t.uuid));
      for (const create of creates) {
        const { employeeUuid, timerUuid } = create.args as { employeeUuid: string; timerUuid: string };
        // A create that failed must have failed cleanly: its timer is not there.
        if (create.outcome === 'fail' && timerUuids.has(timerUuid))
          violations.push({
            invariant: 'refused-create-absent',
            message: `#${create.id} failed (${create.error ?? 'no error'}) but timer ${timerUuid} exists`,
            operations: [create.id],
          });
        if (create.outcome !== 'ok') continue;
        const deleted = deleteByUuid.get(employeeUuid);
        if (deleted && deleted.completedAt < create.invokedAt) {
          violations.push({
            invariant: 'create-after-delete-fails',
            message: `#${create.id} created timer ${timerUuid} for employee ${employeeUuid} after #${deleted.id} deleted that employee`,
            operations: [deleted.id, create.id],
          });
        }
        if (!timerUuids.has(timerUuid)) {
          violations.push({
            invariant: 'acknowledged-timer-exists',
            message: `#${create.id} was acknowledged but timer ${timerUuid} is missing`,
            operations: [create.id],
          });
        }
      }
      return verdictOf('no-orphans', violations);
    },
  };
}
