/**
 * Worker 0's crash-and-delete cycle, on which catching the publishing mutants
 * depends: in every cycle it creates an employee, gives it a timer, arms the
 * employees service's crash and deletes that same employee, in that order.
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
  'seed %i: every cycle of worker 0 creates, times, crashes and deletes one employee',
  (seed) => {
    const plan = planOperations({ ...spec, seed }, crossService.plan, 0, 3 * CRASH_EVERY);
    for (let cycle = 0; cycle < 3; cycle++) {
      const inCycle = plan.slice(cycle * CRASH_EVERY, (cycle + 1) * CRASH_EVERY);
      const ops = inCycle.map((p) => p.op);
      const created = inCycle.filter((p) => p.op === 'createEmployee').at(-1)!;
      const { id } = created.args as { id: string };
      // After its last create, the cycle ends with the timer, the crash and the delete of that employee.
      expect(ops.slice(-3)).toEqual(['createTimer', 'injectFault', 'deleteEmployee']);
      expect(inCycle.indexOf(created)).toBe(VICTIM_AT); // the employee worker 0 created at its victim step
      expect(inCycle.at(-3)!.args).toMatchObject({ employeeId: id });
      expect(inCycle.at(-2)!.args).toEqual({ service: 'employees', hook: 'crashAfterCommitOf', value: id });
      expect(inCycle.at(-1)!.args).toEqual({ id });
    }
  },
);

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
