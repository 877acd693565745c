/**
 * The results of the memory bench's recorded run, for its HTML report: built
 * from what the run recorded (its history file, summarized as the runner
 * summarizes a run) rather than from made-up figures. No checker judged the
 * run (its executor is a no-op, so nothing was done to a database), so its
 * verdict is `unknown`, which is also what was expected of it.
 */
import { newResults } from '../../harness/cli/common.ts';
import { unknownResult } from '../../harness/core/check.ts';
import { type InvokeEvent, type Operation, readHistory } from '../../harness/core/history.ts';
import type { RunResult, SuiteResults } from '../../harness/core/results.ts';
import { summarize } from '../../harness/core/stats.ts';
import type { WorkloadSpec } from '../../harness/core/workload.ts';

/**
 * The operations of a history file, streamed and without their arguments or
 * results (the summary needs neither), so a million of them stay small.
 */
export async function operationsOf(historyFile: string): Promise<Operation[]> {
  const open = new Map<number, Pick<InvokeEvent, 't' | 'intended'>>();
  const operations: Operation[] = [];
  for await (const event of readHistory(historyFile)) {
    if (event.type === 'invoke') {
      open.set(event.id, {
        t: event.t,
        ...(event.intended === undefined ? {} : { intended: event.intended }),
      });
      continue;
    }
    if (event.type !== 'ok' && event.type !== 'fail' && event.type !== 'info') continue;
    const invoke = open.get(event.id);
    if (!invoke) throw new Error(`history: completion for operation ${event.id} without an invoke`);
    open.delete(event.id);
    operations.push({
      id: event.id,
      worker: event.worker,
      op: event.op,
      args: undefined,
      outcome: event.type,
      invokedAt: invoke.t,
      completedAt: event.t,
      ...(invoke.intended === undefined ? {} : { intendedAt: invoke.intended }),
    });
  }
  if (open.size > 0) throw new Error(`history: ${open.size} operations never completed`);
  return operations;
}

export interface RecordedRun {
  scenario: string;
  target: string;
  historyFile: string;
  spec: WorkloadSpec;
  /** Wall time of the run, in ms. */
  durationMs: number;
  /** The command that runs it again. */
  replay: string;
}

/** The run as a RunResult and the suite around it, as `chaos run` would write them to results.json. */
export async function recordedRunResults(run: RecordedRun): Promise<SuiteResults> {
  const { seed, ...workload } = run.spec;
  const result: RunResult = {
    scenario: run.scenario,
    target: run.target,
    variant: 'no-op executor',
    broken: false,
    expected: 'unknown',
    verdict: 'unknown',
    passed: true,
    seed,
    workload,
    summary: summarize(await operationsOf(run.historyFile)),
    checks: [
      unknownResult('none', 'a memory measurement: the executor is a no-op, so there is nothing to check'),
    ],
    faultWindows: [],
    historyFiles: [run.historyFile],
    durationMs: run.durationMs,
    interrupted: false,
  };
  return {
    ...newResults(seed, run.replay),
    finishedAt: new Date().toISOString(),
    passed: true,
    exitCode: 0,
    runs: [result],
  };
}
