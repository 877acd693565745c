/**
 * Per-fault-window figures for the results (and the report's fault bands):
 * the operations that overlapped each window, by outcome, and the violations
 * that name any of them.
 */
import type { z } from 'zod';
import type { CheckResult } from './check.ts';
import type { FaultRecord, Operation } from './history.ts';
import type { FaultWindowResultSchema } from './results.ts';
import type { OutcomeCounts } from './stats.ts';

export type FaultWindowResult = z.infer<typeof FaultWindowResultSchema>;

/** Why a fault window broke nothing, from what its action reported: nothing reached, or the action failed. */
function reachedNothingOf(detail: Record<string, unknown> | undefined): string | undefined {
  if (typeof detail?.reachedNothing === 'string') return detail.reachedNothing;
  if (typeof detail?.error === 'string') return `the fault failed: ${detail.error}`;
  return undefined;
}

export function summarizeFaultWindows(
  faults: FaultRecord[],
  operations: Operation[],
  checks: CheckResult[],
): FaultWindowResult[] {
  const lastT = operations.reduce((t, o) => Math.max(t, o.completedAt), 0);
  return faults.map((fault) => {
    const end = fault.stoppedAt ?? lastT;
    const inside = operations.filter((o) => o.invokedAt <= end && o.completedAt >= fault.startedAt);
    const ids = new Set(inside.map((o) => o.id));
    const counts: OutcomeCounts = { ok: 0, fail: 0, info: 0 };
    for (const o of inside) counts[o.outcome]++;
    const violations = checks
      .flatMap((c) => c.violations)
      .filter((v) => v.operations.some((id) => ids.has(id))).length;
    const result: FaultWindowResult = { fault: fault.fault, startedAt: fault.startedAt, counts, violations };
    if (fault.stoppedAt !== undefined) result.stoppedAt = fault.stoppedAt;
    if (fault.detail && Object.keys(fault.detail).length > 0) result.detail = fault.detail;
    const reachedNothing = reachedNothingOf(fault.detail);
    if (reachedNothing) result.reachedNothing = reachedNothing;
    return result;
  });
}
