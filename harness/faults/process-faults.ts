/**
 * crash: SIGKILL every process of the target's service (when the harness
 * started one) or of its database server, then restart it on the same port
 * (and data directory) when the window ends (operations in flight become
 * `info`); a container is killed and restarted at once. pause: SIGSTOP the
 * processes, SIGCONT at the end, so clients run into their timeouts.
 */
import type { ServerControl } from '../core/database.ts';
import type { FaultAction, FaultEnvironment } from './types.ts';

function controlOf(env: FaultEnvironment): ServerControl {
  if (!env.process) throw new Error('no process to crash or pause: the target has no service or database');
  if (!env.process.control) {
    throw new Error(
      `${env.process.description} was not started by the harness: it cannot be crashed or paused`,
    );
  }
  return env.process.control;
}

export const crash: FaultAction = {
  async start(env) {
    const control = controlOf(env);
    await control.crash();
    return { signal: 'SIGKILL', ...(control.restartsImmediately ? { restarted: 'immediately' } : {}) };
  },
  async stop(env) {
    await controlOf(env).restart();
  },
};

export const pause: FaultAction = {
  async start(env) {
    const control = controlOf(env);
    if (!control.pause) throw new Error(`${env.process!.description} cannot be paused`);
    control.pause();
    return { signal: 'SIGSTOP' };
  },
  async stop(env) {
    controlOf(env).resume?.();
  },
};
