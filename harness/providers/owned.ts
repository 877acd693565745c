/**
 * What the harness owns and must not leave behind: running servers, their
 * temp directories and the set-up commands (initdb, mariadb-install-db)
 * still running. Every exit path of the process kills and removes them all.
 */
import { type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withParentDeathSignal } from './launch-command.ts';
import { forgetDir, recordDir } from './run-ledger.ts';

/** Temp directories made for servers, removed on exit even when no server was started in them yet. */
const ownedDirs = new Set<string>();
let exitHookInstalled = false;

/** Running servers, killed at once when the harness exits. */
const owned = new Set<{ killNow(): void }>();

/** Kill `server` when the harness exits, until `disown`. */
export function own(server: { killNow(): void }): void {
  installExitHook();
  owned.add(server);
}

export function disown(server: { killNow(): void }, dir?: string): void {
  owned.delete(server);
  if (dir !== undefined) forgetOwnedDir(dir);
}

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

export function removeDir(dir: string): void {
  try {
    // A killed server may still be writing into its folder for a moment: retry what that leaves behind.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  } catch {}
}

/** Remove a directory made by `ownedTempDir` now, rather than at exit. */
export function removeOwnedDir(dir: string): void {
  removeDir(dir);
  forgetOwnedDir(dir);
}

function forgetOwnedDir(dir: string): void {
  if (ownedDirs.delete(dir)) forgetDir(dir);
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
  // In the ledger too: if the harness is killed outright, the next run removes it (run-ledger.ts).
  recordDir(dir);
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
