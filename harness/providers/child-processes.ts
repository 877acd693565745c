/**
 * Bookkeeping for the server processes the harness starts, so that every exit
 * path (normal end, error, Ctrl-C, uncaught exception) stops them and removes
 * their temporary directories. Nothing is left running after a run.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

interface Tracked {
  child: ChildProcess;
  dir: string;
}

const tracked = new Set<Tracked>();
let hooked = false;

function killAllNow(): void {
  for (const entry of tracked) {
    try {
      entry.child.kill('SIGKILL');
    } catch {}
    try {
      rmSync(entry.dir, { recursive: true, force: true });
    } catch {}
  }
  tracked.clear();
}

/** Spawn a server process whose lifetime the harness owns. */
export function spawnOwned(
  command: string,
  args: string[],
  dir: string,
  options: SpawnOptions = {},
): ChildProcess {
  if (!hooked) {
    hooked = true;
    process.once('exit', killAllNow);
  }
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const entry = { child, dir };
  tracked.add(entry);
  child.once('exit', () => tracked.delete(entry));
  return child;
}

/** Ask politely (`signal`, SIGTERM by default), then insist (SIGKILL) after `graceMs`. */
export async function stopProcess(
  child: ChildProcess,
  graceMs = 10_000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Last lines of a process's output, for error messages. */
export function captureOutput(child: ChildProcess, maxChars = 4000): () => string {
  let text = '';
  const add = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-maxChars);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => text;
}
