/**
 * A database server process the harness owns. Faults act on every process
 * of the server at once (Postgres forks a process per connection, and each
 * calls setsid(), so a process-group signal would miss them): crash (SIGKILL
 * the whole tree, then restart on the same data directory and port), pause
 * (SIGSTOP) and resume (SIGCONT). Every exit path of the harness kills the group and removes its
 * temporary directory, so nothing is left running; a harness killed outright (SIGKILL, the OOM
 * killer) still takes its servers with it through their parent-death signal; their
 * temporary directories then stay until the next run reaps them (run-ledger.ts).
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerControl } from '../core/database.ts';
import { cappedBackoff } from '../core/retry.ts';
import { launchCommand } from './launch-command.ts';
import { disown, own, removeDir, removeOwnedDir } from './owned.ts';
import { lostItsPort, startOnFreePorts } from './ports.ts';
import { processTree, waitUntilGone } from './process-tree.ts';
import { forgetServerProcess, recordServerProcess } from './run-ledger.ts';

export interface ServerProcessSpec {
  /** For messages: "mariadbd", "postgres". */
  name: string;
  command: string;
  args: string[];
  /** Temp directory owned by this server, removed when it stops. */
  dir: string;
  spawnOptions?: SpawnOptions;
  /** Signal for a clean, fast shutdown. */
  stopSignal: NodeJS.Signals;
  /** Resolves true once the server accepts connections. */
  isReady(): Promise<boolean>;
  readyTimeoutMs?: number;
  /** Start it again when it dies unexpectedly (not by stop() or crash()), as a supervisor would. */
  restartOnExit?: boolean;
  /**
   * Run it under SCHED_BATCH (see `launchCommand`): for a database server, whose clients,
   * the harness's workers, share the machine's cores with it.
   */
  batchScheduling?: boolean;
}

/**
 * A stopped process keeps its parent-death signal pending: a harness killed
 * outright (SIGKILL) during a pause would leave the server stopped for ever,
 * holding its port. This small shell process watches the harness and, once it
 * is gone, sends SIGCONT to the paused processes, so the pending signal ends
 * them. `resume` kills it; it exits by itself after the harness does.
 */
function pauseWatchdog(leader: number | undefined): ChildProcess | undefined {
  if (leader === undefined) return undefined;
  const pids = [leader, ...processTree(leader)].join(' ');
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.2; done; kill -CONT ${pids} 2>/dev/null`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

/** A supervised process that died is started again up to this many times, after 50, 100, 200... ms. */
const SUPERVISED_STARTS = 5;
const SUPERVISED_FIRST_DELAY_MS = 50;
const SUPERVISED_MAX_DELAY_MS = 800;

export class ServerProcess implements ServerControl {
  readonly restartsImmediately = false;

  private child: ChildProcess | undefined;
  private output = '';
  private paused = false;
  /** While paused: the watchdog that resumes the server if the harness dies (see pauseWatchdog). */
  private watchdog: ChildProcess | undefined;
  /** Set while the harness itself is ending the process, so a supervised restart does not fight it. */
  private ending = false;

  constructor(private readonly spec: ServerProcessSpec) {
    own(this);
  }

  /** Start again after a crash; nothing to do while it runs. */
  async restart(): Promise<void> {
    if (!this.running) await this.start();
  }

  /** Start (or restart after a crash) and wait until it accepts connections. */
  async start(): Promise<void> {
    const [command, args] = launchCommand(this.spec);
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // not in our process group: a Ctrl-C reaches the harness, which then stops the server cleanly
      ...this.spec.spawnOptions,
    });
    this.child = child;
    // In the ledger while it runs: should the harness be killed outright, the next run reaps it.
    const pid = child.pid;
    if (pid !== undefined) {
      recordServerProcess(pid);
      child.once('exit', () => forgetServerProcess(pid));
    }
    this.paused = false;
    this.ending = false;
    let ready = false;
    // Supervised: a process that was serving and then died is started again. One that dies while
    // starting is not (this start fails instead), so a broken service cannot loop forever.
    child.once('exit', () => {
      if (this.spec.restartOnExit && ready && !this.ending && this.child === child) void this.supervise();
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', keep.bind(null, Buffer.from('spawn error\n')));
    const outputClosed = new Promise((resolve) => child.once('close', resolve));

    const deadline = Date.now() + (this.spec.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        // Its last words may still be in the pipes: wait for them (briefly), they say why it exited.
        await Promise.race([outputClosed, sleep(1000)]);
        throw Object.assign(new Error(`${this.spec.name} exited during start-up: ${this.lastOutput()}`), {
          serverOutput: this.output,
        });
      }
      if (await this.spec.isReady().catch(() => false)) {
        ready = true;
        return;
      }
      if (Date.now() > deadline) {
        // Not killNow(): that ends the server for good (its folder too), and a supervised or
        // crash-healing restart must be able to try again.
        this.killTree();
        throw new Error(
          `${this.spec.name} did not accept connections within ${(this.spec.readyTimeoutMs ?? 30_000) / 1000} s: ${this.lastOutput()}`,
        );
      }
      await sleep(50);
    }
  }

  /** Start a supervised process again after it died, a few times, waiting longer after each failed start. */
  private async supervise(): Promise<void> {
    for (let attempt = 0; attempt < SUPERVISED_STARTS; attempt++) {
      await sleep(cappedBackoff(attempt, SUPERVISED_FIRST_DELAY_MS, SUPERVISED_MAX_DELAY_MS));
      if (this.ending) return;
      try {
        await this.start();
        return;
      } catch {
        // Died again while starting: wait longer, then try again.
      }
    }
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  lastOutput(lines = 3): string {
    return this.output.trim().split('\n').slice(-lines).join(' | ');
  }

  /** Signal the leader first (so it forks nothing new), then every process below it. */
  private signalTree(signal: NodeJS.Signals): void {
    const leader = this.child?.pid;
    if (leader === undefined) return;
    const send = (pid: number) => {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    };
    send(leader);
    for (const pid of processTree(leader)) send(pid);
  }

  /** SIGKILL every process of the server and wait for the leader to exit. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.ending = true;
    this.watchdog?.kill('SIGKILL');
    this.watchdog = undefined;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Freeze the tree first so nothing forks or exits between listing and killing.
    this.signalTree('SIGSTOP');
    const tree = processTree(child.pid!);
    for (const pid of tree) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await exited;
    await waitUntilGone(tree);
    this.paused = false;
  }

  pause(): void {
    this.signalTree('SIGSTOP');
    this.paused = true;
    this.watchdog = pauseWatchdog(this.child?.pid);
  }

  resume(): void {
    this.watchdog?.kill('SIGKILL');
    this.watchdog = undefined;
    this.signalTree('SIGCONT');
    this.paused = false;
  }

  /** Clean shutdown, then SIGKILL after `graceMs`, then remove the directory. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    this.ending = true;
    if (child && this.running) {
      if (this.paused) this.resume();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(this.spec.stopSignal);
      const timer = setTimeout(() => this.signalTree('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.spec.dir, { recursive: true, force: true });
    disown(this, this.spec.dir);
  }

  /**
   * Give up on a start that failed and forget this process, but keep its
   * directory: another attempt, on another port, starts in it (see
   * `startOnFreePorts`). Whoever made the directory removes it if none succeeds.
   */
  abandon(): void {
    this.ending = true;
    this.killTree();
    disown(this);
  }

  /** Synchronous last resort for exit paths: kill the group, remove the directory. */
  killNow(): void {
    this.ending = true;
    this.killTree();
    removeDir(this.spec.dir);
  }

  /** SIGKILL every process of the server, a paused one too. */
  private killTree(): void {
    this.signalTree('SIGCONT');
    this.signalTree('SIGKILL');
  }
}

/**
 * Start a server and leave nothing running when that fails: one that lost its
 * port is abandoned with its folder kept, for a try on another port
 * (`startOnFreePorts`); any other is stopped and its folder removed.
 */
export async function startOrAbandon(server: ServerProcess): Promise<void> {
  try {
    await server.start();
  } catch (error) {
    if (lostItsPort(error)) server.abandon();
    else await server.stop(1000);
    throw error;
  }
}

/**
 * Start the server `serverOn(port)` builds, on a free loopback port, and on
 * another one if a process takes that port first; every attempt runs in the
 * same folder `dir` (a data directory made once). When no start succeeds,
 * nothing is left running and `dir` is removed.
 */
export async function startServerOnFreePort(
  dir: string,
  serverOn: (port: number) => ServerProcess,
  choosePort?: () => Promise<number>,
): Promise<{ server: ServerProcess; port: number }> {
  try {
    return await startOnFreePorts(
      1,
      async ([port]) => {
        const server = serverOn(port!);
        await startOrAbandon(server);
        return { server, port: port! };
      },
      choosePort ? { choosePort } : {},
    );
  } catch (error) {
    removeOwnedDir(dir);
    throw error;
  }
}

/** Start every process; when one cannot start, stop the others and throw its error (nothing is left running). */
export async function startAll(processes: ServerProcess[]): Promise<void> {
  const started = await Promise.allSettled(processes.map((p) => p.start()));
  const failed = started.find((s) => s.status === 'rejected');
  if (!failed) return;
  await Promise.all(processes.map((p) => p.stop(1000).catch(() => {})));
  throw failed.reason;
}
