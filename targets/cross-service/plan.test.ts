/**
 * Worker 0's crash-and-delete cycle, on which catching the publishing mutants
 * depends: in every cycle it creates an employee of its own, gives it a timer,
 * arms the employees service's crash and deletes that same employee, in that order.
 */
import { expect, it } from 'vitest';
import { planOperations, type WorkloadSpec } from '../../harness/core/workload.ts';
import { CRASH_EVERY, crossService, VICTIM_AT } from './index.ts';

const spec: WorkloadSpec = {
  workers: 4,
  pacing: { kind: 'closed' },
  durationMs: 1000,
  keys: { count: 4, distribution: 'uniform', hotFraction: 0 },
  seed: 1,
};

it.each([1, 2, 3])(
  'seed %i: every cycle of worker 0 creates, times, crashes and deletes one employee of its own',
  (seed) => {
    const plan = planOperations({ ...spec, seed }, crossService.plan, 0, 3 * CRASH_EVERY);
    for (let cycle = 0; cycle < 3; cycle++) {
      const inCycle = plan.slice(cycle * CRASH_EVERY, (cycle + 1) * CRASH_EVERY);
      const steps = inCycle.slice(VICTIM_AT, VICTIM_AT + 6);
      const { id } = steps[0]!.args as { id: string };
      // Created (twice, in case one is refused), given timers, the crash armed, deleted: that employee.
      expect(steps.map((p) => p.op)).toEqual([
        'createEmployee',
        'createEmployee',
        'createTimer',
        'createTimer',
        'injectFault',
        'deleteEmployee',
      ]);
      expect(steps[1]!.args).toEqual({ id });
      expect(steps[2]!.args).toMatchObject({ employeeId: id });
      expect(steps[3]!.args).toMatchObject({ employeeId: id });
      expect(steps[4]!.args).toEqual({ service: 'employees', hook: 'crashAfterCommitOf', value: id });
      expect(steps[5]!.args).toEqual({ id });
    }
  },
);

it('no other worker touches the employee of worker 0`s crash cycle', () => {
  const victims = new Set(
    planOperations(spec, crossService.plan, 0, 3 * CRASH_EVERY)
      .filter((p) => p.op === 'createEmployee')
      .map((p) => (p.args as { id: string }).id)
      .filter((id) => !id.startsWith('emp-')),
  );
  expect(victims.size).toBe(3); // one per cycle, created twice
  for (const worker of [1, 2, 3]) {
    const touched = planOperations(spec, crossService.plan, worker, 3 * CRASH_EVERY).map(
      (p) => (p.args as { id?: string; employeeId?: string }).employeeId ?? (p.args as { id?: string }).id,
    );
    expect(touched.filter((id) => id !== undefined && victims.has(id))).toEqual([]);
  }
});

it('only worker 0 arms the employees service to crash', () => {
  for (const worker of [1, 2, 3]) {
    const plan = planOperations(spec, crossService.plan, worker, 3 * CRASH_EVERY);
    expect(
      plan.some(
        (p) =>
          (p.args as { hook?: string; service?: string }).service === 'employees' &&
          (p.args as { hook?: string }).hook?.startsWith('crashAfterCommit'),
      ),
    ).toBe(false);
  }
});
