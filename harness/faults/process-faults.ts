/**
 * crash: SIGKILL every process of the database server, then restart it on the
 * same data directory and port when the window ends (operations in flight
 * become `info`); a container is killed and restarted at once. pause:
 * SIGSTOP the server, SIGCONT at the end, so clients run into their
 * timeouts (process provider only).
 */
import type { ServerControl } from '../core/database.ts';
import type { FaultAction, FaultEnvironment } from './types.ts';

function controlOf(env: FaultEnvironment): ServerControl {
  if (!env.server.control) {
    throw new Error(
      `${env.server.description} was not started by the harness: it cannot be crashed or paused`,
    );
  }
  return env.server.control;
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
    if (!control.pause) throw new Error(`${env.server.description} cannot be paused`);
    control.pause();
    return { signal: 'SIGSTOP' };
  },
  async stop(env) {
    controlOf(env).resume?.();
  },
};
