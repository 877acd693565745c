/**
 * crash: SIGKILL every process of the database server, then restart it on the
 * same data directory and port when the window ends (operations in flight
 * become `info`). pause: SIGSTOP the server, SIGCONT at the end, so clients
 * run into their timeouts. Both need the process provider.
 */
import type { ServerProcess } from '../providers/server-process.ts';
import type { FaultAction, FaultEnvironment } from './types.ts';

function processOf(env: FaultEnvironment): ServerProcess {
  if (!env.server.process)
    throw new Error(
      `${env.server.description} was not started by the harness: it cannot be crashed or paused`,
    );
  return env.server.process;
}

export const crash: FaultAction = {
  async start(env) {
    await processOf(env).crash();
    return { signal: 'SIGKILL' };
  },
  async stop(env) {
    const server = processOf(env);
    if (!server.running) await server.start();
  },
};

export const pause: FaultAction = {
  async start(env) {
    processOf(env).pause();
    return { signal: 'SIGSTOP' };
  },
  async stop(env) {
    processOf(env).resume();
  },
};
