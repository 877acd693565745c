/**
 * clock-skew: shift the wall clock of the processes that read the pass's
 * skewable clock (the user's service the harness started, or the processes a
 * built-in target put on it) by `skewMs`, and back at the end of the window.
 * A skew that reaches no process is an error, not a quiet no-op.
 */
import type { FaultAction, FaultEnvironment } from './types.ts';

function clockOf(env: FaultEnvironment) {
  if (!env.clock) throw new Error('no skewable clock in this pass: the target put no process on it');
  return env.clock;
}

export const clockSkew: FaultAction = {
  async start(env, window) {
    const clock = clockOf(env);
    const processes = clock.processesReading();
    if (processes.length === 0)
      throw new Error('the clock skew reached no process: none of this pass runs on the skewable clock');
    const skewMs = window.spec.skewMs ?? 0;
    clock.skew(skewMs);
    return { skewMs, processes: processes.length };
  },
  async stop(env) {
    env.clock?.skew(0);
  },
};
