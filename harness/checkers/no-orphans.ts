/**
 * The fk-timers target's timers and employees, judged by `noDanglingReferences`
 * (the article's timer -> employee foreign key).
 *
 * History: `createTimer` with args `{ employeeUuid, timerUuid }` (value
 * `{ employeeId }` when ok) and `deleteEmployee` with args `{ employeeUuid }`
 * (value `{ employeeId }` when ok).
 * Final state: every timer (uuid, employee id) and every employee (id, uuid).
 * Invariants: no-orphan-timer, create-after-delete-fails,
 * acknowledged-timer-exists, refused-create-absent (see no-dangling-references.ts).
 */

import type { Checker } from '../core/check.ts';
import { argument, returned } from './fields.ts';
import { noDanglingReferences } from './no-dangling-references.ts';

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
  return noDanglingReferences<TimerState, TimerRow, EmployeeRef>({
    name: 'no-orphans',
    description: 'no timer references a missing employee; creates for a deleted employee fail',
    childName: 'timer',
    parentName: 'employee',
    children: (state) => state.timers,
    parents: (state) => state.employees,
    childId: (timer) => timer.uuid,
    reference: (timer) => timer.employeeId,
    parentId: (employee) => employee.id,
    // Matched by employee id, as the timers reference it: an acknowledged create and delete both return it.
    creates: { op: 'createTimer', child: argument('timerUuid'), parent: returned('employeeId') },
    deletes: { op: 'deleteEmployee', parent: returned('employeeId') },
  });
}
