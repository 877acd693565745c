/**
 * A database server process the harness owns. It runs in its own process
 * group so that faults can act on every process of the server at once
 * (Postgres forks a process per connection): crash (SIGKILL all, then
 * restart on the same data directory and port), pause (SIGSTOP) and resume
 * (SIGCONT). Every exit path of the harness kills the group and removes its
 * temporary directory, so nothing is left running.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

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
}

const owned = new Set<ServerProcess>();
let exitHookInstalled = false;

function killAllNow(): void {
  for (const server of owned) server.killNow();
  owned.clear();
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';
  private paused = false;

  constructor(private readonly spec: ServerProcessSpec) {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', killAllNow);
    }
    owned.add(this);
  }

  /** Start (or restart after a crash) and wait until it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(this.spec.command, this.spec.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so one signal reaches every process of the server
      ...this.spec.spawnOptions,
    });
    this.child = child;
    this.paused = false;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', keep.bind(null, Buffer.from('spawn error\n')));

    const deadline = Date.now() + (this.spec.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.spec.name} exited during start-up: ${this.lastOutput()}`);
      }
      if (await this.spec.isReady().catch(() => false)) return;
      if (Date.now() > deadline) {
        this.killNow();
        throw new Error(
          `${this.spec.name} did not accept connections within ${(this.spec.readyTimeoutMs ?? 30_000) / 1000} s: ${this.lastOutput()}`,
        );
      }
      await sleep(50);
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

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child?.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is already gone
    }
  }

  /** SIGKILL every process of the server and wait for the leader to exit. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signalGroup('SIGKILL');
    await exited;
    // Children of the leader (Postgres backends) die with the group; give the kernel a moment to reap them.
    await sleep(50);
    this.paused = false;
  }

  pause(): void {
    this.signalGroup('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    this.signalGroup('SIGCONT');
    this.paused = false;
  }

  /** Clean shutdown, then SIGKILL after `graceMs`, then remove the directory. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (child && this.running) {
      if (this.paused) this.resume();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(this.spec.stopSignal);
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.spec.dir, { recursive: true, force: true });
    owned.delete(this);
  }

  /** Synchronous last resort for exit paths: kill the group, remove the directory. */
  killNow(): void {
    this.signalGroup('SIGCONT');
    this.signalGroup('SIGKILL');
    try {
      rmSync(this.spec.dir, { recursive: true, force: true });
    } catch {}
  }
}
