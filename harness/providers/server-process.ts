/**
 * A database server process the harness owns. Faults act on every process
 * of the server at once (Postgres forks a process per connection, and each
 * calls setsid(), so a process-group signal would miss them): crash (SIGKILL
 * the whole tree, then restart on the same data directory and port), pause
 * (SIGSTOP) and resume (SIGCONT). Every exit path of the harness kills the group and removes its
 * temporary directory, so nothing is left running; a harness killed outright (SIGKILL, the OOM
 * killer) still takes its servers with it through their parent-death signal, though their
 * temporary directories then stay.
 */
import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerControl } from '../core/database.ts';
import { cappedBackoff } from '../core/retry.ts';
import { lostItsPort, startOnFreePorts } from './ports.ts';

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
function launchCommand(spec: ServerProcessSpec): [string, string[]] {
  let argv = [spec.command, ...spec.args];
  if (spec.batchScheduling && works('chrt', ['--batch', '0'])) argv = ['chrt', '--batch', '0', ...argv];
  argv = withParentDeathSignal(argv, spec.stopSignal);
  return [argv[0]!, argv.slice(1)];
}

/** `argv` run through `setpriv --pdeathsig signal` where it works: it gets `signal` when the harness dies. */
function withParentDeathSignal(argv: string[], signal: string): string[] {
  return works('setpriv', ['--pdeathsig', 'SIGTERM']) ? ['setpriv', '--pdeathsig', signal, ...argv] : argv;
}

const owned = new Set<ServerProcess>();

/**
 * Field `n` (counted from 1, as in proc(5)) of a process's or thread's
 * `/proc/.../stat`, given the path; undefined once it has ended. The command
 * name (field 2) may contain spaces, so fields are counted from after its
 * closing parenthesis.
 */
export function procStatField(statPath: string, n: number): string | undefined {
  try {
    const stat = readFileSync(statPath, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3];
  } catch {
    return undefined;
  }
}

/** Whether a process exists and is not a zombie (state Z: it has released everything, it only waits to be reaped). */
export function isAlive(pid: number): boolean {
  const state = procStatField(`/proc/${pid}/stat`, 3);
  return state !== undefined && state !== 'Z';
}

/** The pid and every descendant of it, from /proc (parent pid is field 4 of /proc/<pid>/stat). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = procStatField(`/proc/${entry}/stat`, 4);
    if (parent === undefined) continue; // the process ended while we were reading
    const list = children.get(Number(parent)) ?? [];
    list.push(Number(entry));
    children.set(Number(parent), list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}
/** A supervised process that died is started again up to this many times, after 50, 100, 200... ms. */
const SUPERVISED_STARTS = 5;
const SUPERVISED_FIRST_DELAY_MS = 50;
const SUPERVISED_MAX_DELAY_MS = 800;

/** Temp directories made for servers, removed on exit even when no server was started in them yet. */
const ownedDirs = new Set<string>();
let exitHookInstalled = false;

function killAllNow(): void {
  for (const server of owned) server.killNow();
  owned.clear();
  // Set-up commands first: left running, they would go on filling the folders removed below.
  for (const group of setupGroups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {}
  }
  setupGroups.clear();
  for (const dir of ownedDirs) removeDir(dir);
  ownedDirs.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killAllNow);
}

function removeDir(dir: string): void {
  try {
    // A killed server may still be writing into its folder for a moment: retry what that leaves behind.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  } catch {}
}

/** Remove a directory made by `ownedTempDir` now, rather than at exit. */
export function removeOwnedDir(dir: string): void {
  removeDir(dir);
  ownedDirs.delete(dir);
}

/**
 * A new temp directory the harness owns (a server's data directory, socket
 * and logs; the bench's scratch runs), removed when the harness exits by any
 * path, so an exit while a data directory is still being initialised
 * (initdb, mariadb-install-db) leaves nothing behind.
 */
export function ownedTempDir(prefix: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  ownedDirs.add(dir);
  return dir;
}

/** Process groups of set-up commands still running (initdb, mariadb-install-db and their children). */
const setupGroups = new Set<number>();

/**
 * Run a server's set-up command (initdb, mariadb-install-db) to completion,
 * like `execFile`, but owned: it runs in a process group of its own, which
 * every exit path of the harness kills with all its children (these scripts
 * start a bootstrap server of their own), and it gets SIGKILL when the
 * harness is killed outright. Rejects with its output when it fails.
 */
export function runSetupCommand(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  installExitHook();
  const [launched, ...launchedArgs] = withParentDeathSignal([command, ...args], 'SIGKILL');
  return new Promise((resolve, reject) => {
    const child = spawn(launched!, launchedArgs, {
      ...options,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) setupGroups.add(child.pid);
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (child.pid !== undefined) setupGroups.delete(child.pid);
      if (code === 0) resolve();
      else
        reject(
          new Error(`${command} ${signal ? `killed by ${signal}` : `exited with ${code}`}\n${output.trim()}`),
        );
    });
  });
}

/** Wait until none of `pids` exists any more (the kernel reaps killed children of killed parents). */
async function waitUntilGone(pids: number[], timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(10);
}

export class ServerProcess implements ServerControl {
  readonly restartsImmediately = false;

  private child: ChildProcess | undefined;
  private output = '';
  private paused = false;
  /** Set while the harness itself is ending the process, so a supervised restart does not fight it. */
  private ending = false;

  constructor(private readonly spec: ServerProcessSpec) {
    installExitHook();
    owned.add(this);
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
  }

  resume(): void {
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
    ownedDirs.delete(this.spec.dir);
    owned.delete(this);
  }

  /**
   * Give up on a start that failed and forget this process, but keep its
   * directory: another attempt, on another port, starts in it (see
   * `startOnFreePorts`). Whoever made the directory removes it if none succeeds.
   */
  abandon(): void {
    this.ending = true;
    this.killTree();
    owned.delete(this);
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
