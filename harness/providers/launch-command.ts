/**
 * How a server's process is launched: its own command line run through
 * wrappers that each exec the next (parent-death signal, optional
 * SCHED_BATCH), so the pid and the process tree below it are the server's.
 */
import { spawnSync } from 'node:child_process';

export interface LaunchSpec {
  command: string;
  args: string[];
  /** Sent to the server when the harness dies. */
  stopSignal: NodeJS.Signals;
  batchScheduling?: boolean;
}

/** Whether a wrapper command works here, tried once per wrapper (`args` run `true` through it). */
const wrapperWorks = new Map<string, boolean>();
function works(wrapper: string, args: string[]): boolean {
  let ok = wrapperWorks.get(wrapper);
  if (ok === undefined) {
    ok = spawnSync(wrapper, [...args, 'true'], { stdio: 'ignore' }).status === 0;
    wrapperWorks.set(wrapper, ok);
  }
  return ok;
}

/**
 * The command line that starts a server: the server's own, run through
 * wrappers that each exec the next, so the pid, and the process tree below
 * it, are the server's. A wrapper the system lacks or refuses is left out,
 * and the server runs without what it adds.
 *
 * - `setpriv --pdeathsig`: the server gets its stop signal when the harness
 *   dies, even by SIGKILL or the OOM killer, when no exit hook of ours runs.
 *   Servers are detached (a Ctrl-C must reach the harness first), so nothing
 *   else would stop them.
 * - `chrt --batch` (when `batchScheduling`): Linux's SCHED_BATCH policy. A
 *   database server's process wakes each time a client's query arrives, and
 *   under the normal policy a woken process preempts the one running on its
 *   core, which is often the client that just sent the query. The client then
 *   waits, its other connections' answers unread, while their server processes
 *   idle. SCHED_BATCH keeps the server's fair share of the CPU (unlike `nice`)
 *   but never preempts on wakeup, so a client on the same machine keeps its
 *   pace. Measured with `npm run bench` on 2 cores: pgbench and the harness
 *   both gain about 10%, and each round's figures vary far less.
 *
 * Neither needs a privilege: a process may lower its own policy and choose
 * its own parent-death signal.
 */
export function launchCommand(spec: LaunchSpec): [string, string[]] {
  let argv = [spec.command, ...spec.args];
  if (spec.batchScheduling && works('chrt', ['--batch', '0'])) argv = ['chrt', '--batch', '0', ...argv];
  argv = withParentDeathSignal(argv, spec.stopSignal);
  return [argv[0]!, argv.slice(1)];
}

/** `argv` run through `setpriv --pdeathsig signal` where it works: it gets `signal` when the harness dies. */
export function withParentDeathSignal(argv: string[], signal: string): string[] {
  return works('setpriv', ['--pdeathsig', 'SIGTERM']) ? ['setpriv', '--pdeathsig', signal, ...argv] : argv;
}
