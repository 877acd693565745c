/**
 * The ledger: a small state file per harness process naming what it owns on
 * the machine (temp folders, server processes, scratch databases on
 * servers it did not start). A normal exit cleans all of that up and removes
 * the file; a harness killed outright (SIGKILL, OOM) cannot, so the next run
 * reads the files of owners that are gone and reaps what they left.
 *
 * Only what the ledger names is touched: folders under the temp directory
 * whose name starts with `chaos-`, servers that are the very process recorded
 * (same pid and start time), and databases that carry the harness's
 * marker. A database on a foreign server is dropped only when a later run
 * uses that server; until then every run names it.
 */
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { writeJsonFile } from '../core/json-file.ts';
import { isAlive, processTree, procStatField } from './process-tree.ts';

/** A scratch database on a server the harness did not start (no password: only where to find it). */
export interface LedgerDatabase {
  kind: 'mariadb' | 'postgres';
  host: string;
  port: number;
  database: string;
}

/** A server the harness started (it and its descendants), by its pid and start time. */
interface LedgerProcess {
  pid: number;
  started: string | undefined;
}

interface LedgerFile {
  pid: number;
  started: string | undefined;
  dirs: string[];
  processes: LedgerProcess[];
  databases: LedgerDatabase[];
}

/** What a killed run left, as the next run found it. */
export interface Leftovers {
  /** Folders removed, with what they held. */
  removedDirs: { path: string; bytes: number }[];
  /** Servers still running (pids), killed with their descendants. */
  killedProcesses: number[];
  /** Databases on foreign servers, still there (see dropLeftoverDatabases). */
  databases: (LedgerDatabase & { owner: number })[];
}

/** Where the ledger files live; CHAOS_LEDGER_DIR moves it (tests use their own). */
function ledgerDir(): string {
  return (
    process.env.CHAOS_LEDGER_DIR ?? join(tmpdir(), `chaos-harness-ledger-${process.getuid?.() ?? 'user'}`)
  );
}

/** A process's start time in clock ticks since boot: with the pid, it names one process for good. */
function startTime(pid: number): string | undefined {
  return procStatField(`/proc/${pid}/stat`, 22);
}

/** Whether the process recorded as (pid, started) still runs (a reused pid has another start time). */
function stillRuns(pid: number, started: string | undefined): boolean {
  return isAlive(pid) && (started === undefined || startTime(pid) === started);
}

const mine: LedgerFile = {
  pid: process.pid,
  started: startTime(process.pid),
  dirs: [],
  processes: [],
  databases: [],
};
let exitHookInstalled = false;

function ledgerPath(pid: number): string {
  return join(ledgerDir(), `${pid}.json`);
}

let claimed = false;

/**
 * Before this process first writes its ledger: a ledger already at its path
 * is a killed run's that had the same pid (pids are reused). Kept aside,
 * under a name of its own, for the next run to reap, never overwritten.
 */
function setAsideReusedPid(path: string): void {
  claimed = true;
  const earlier = readLedger(path);
  if (earlier && earlier.started !== mine.started)
    renameSync(path, join(dirname(path), `${earlier.pid}-${earlier.started ?? 'unknown'}.json`));
}

/** Write this process's ledger (atomically), or remove it when it names nothing. */
function save(): void {
  const path = ledgerPath(mine.pid);
  try {
    if (!claimed) setAsideReusedPid(path);
    if (mine.dirs.length + mine.processes.length + mine.databases.length === 0) {
      rmSync(path, { force: true });
      // The folder too, once no run has a ledger in it: nothing of the harness's stays in the temp folder.
      if (readdirSync(dirname(path)).length === 0) rmdirSync(dirname(path));
      return;
    }
    try {
      // Only its owner may write ledgers: a planted one could name processes and folders to reap.
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeJsonFile(path, mine);
    } catch {
      // Another run removed the folder when it was empty, between our mkdir and write: once more.
      writeJsonFile(path, mine);
    }
  } catch {
    // The ledger only helps a later run; it never fails this one.
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Registered after owned.ts's hook (which cleans up first), so what is left is what it could not:
    // databases on foreign servers not dropped yet stay named for the next run.
    process.once('exit', () => {
      mine.dirs = [];
      mine.processes = [];
      save();
    });
  }
}

export function recordDir(dir: string): void {
  mine.dirs.push(dir);
  save();
}

export function forgetDir(dir: string): void {
  mine.dirs = mine.dirs.filter((d) => d !== dir);
  save();
}

export function recordServerProcess(pid: number): void {
  mine.processes.push({ pid, started: startTime(pid) });
  save();
}

export function forgetServerProcess(pid: number): void {
  mine.processes = mine.processes.filter((p) => p.pid !== pid);
  save();
}

export function recordDatabase(database: LedgerDatabase): void {
  mine.databases.push(database);
  save();
}

export function forgetDatabase(database: LedgerDatabase): void {
  mine.databases = mine.databases.filter((d) => !sameDatabase(d, database));
  save();
}

function sameDatabase(a: LedgerDatabase, b: LedgerDatabase): boolean {
  return a.kind === b.kind && a.host === b.host && a.port === b.port && a.database === b.database;
}

/** Only folders the harness makes: directly under the temp directory, named `chaos-...`. */
function isHarnessFolder(path: string): boolean {
  return dirname(path) === tmpdir() && basename(path).startsWith('chaos-');
}

function folderBytes(path: string): number {
  let total = 0;
  try {
    // Not following links: a data folder's (pg_tblspc) would count, or walk, what is not its own.
    const stat = lstatSync(path);
    if (!stat.isDirectory()) return stat.size;
    for (const entry of readdirSync(path)) total += folderBytes(join(path, entry));
  } catch {}
  return total;
}

function readLedger(path: string): LedgerFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LedgerFile>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      started: parsed.started,
      dirs: parsed.dirs ?? [],
      processes: parsed.processes ?? [],
      databases: parsed.databases ?? [],
    };
  } catch {
    return undefined;
  }
}

/** The ledgers of owners that are gone (not this process, not a run still going). */
function orphanLedgers(): { path: string; ledger: LedgerFile }[] {
  let names: string[];
  try {
    // A ledger folder another user owns, or may write to, is not trusted: its ledgers are not read.
    const folder = statSync(ledgerDir());
    if ((process.getuid && folder.uid !== process.getuid()) || (folder.mode & 0o022) !== 0) return [];
    names = readdirSync(ledgerDir()).filter((name) => /^\d+(-\w+)?\.json$/.test(name));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(ledgerDir(), name);
    const ledger = readLedger(path);
    const isMine = ledger?.pid === mine.pid && ledger.started === mine.started;
    if (!ledger || isMine || stillRuns(ledger.pid, ledger.started)) return [];
    return [{ path, ledger }];
  });
}

/**
 * Reap what killed runs left on this machine: kill their servers still
 * running and remove their folders. Databases on foreign
 * servers are only listed here; `dropLeftoverDatabases` drops them.
 */
export function reapLeftovers(): Leftovers {
  const found: Leftovers = { removedDirs: [], killedProcesses: [], databases: [] };
  for (const { path, ledger } of orphanLedgers()) {
    for (const group of ledger.processes) {
      if (!stillRuns(group.pid, group.started) || group.started === undefined) continue;
      // The whole tree, not the group: Postgres backends call setsid(). SIGKILL ends paused ones too.
      for (const pid of processTree(group.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      found.killedProcesses.push(group.pid);
    }
    for (const dir of ledger.dirs.filter(isHarnessFolder)) {
      const bytes = folderBytes(dir);
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
      found.removedDirs.push({ path: dir, bytes });
    }
    found.databases.push(...ledger.databases.map((database) => ({ ...database, owner: ledger.pid })));
    rewrite(path, { ...ledger, dirs: [], processes: [] });
  }
  return found;
}

function rewrite(path: string, ledger: LedgerFile): void {
  try {
    if (ledger.dirs.length + ledger.processes.length + ledger.databases.length === 0)
      rmSync(path, { force: true });
    else writeJsonFile(path, ledger);
  } catch {}
}

/**
 * Drop the leftover databases of killed runs that sit on this server
 * (`kind`, `host`, `port`), using `drop`, which checks the harness's marker
 * and reports whether the database is gone. Returns what was dropped, and
 * what was not (no marker: named, never dropped).
 */
export async function dropLeftoverDatabases(
  server: { kind: LedgerDatabase['kind']; host: string; port: number },
  drop: (database: string) => Promise<'dropped' | 'absent' | 'unmarked'>,
): Promise<{ dropped: string[]; unmarked: string[] }> {
  const outcome = { dropped: [] as string[], unmarked: [] as string[] };
  for (const { path, ledger } of orphanLedgers()) {
    const kept: LedgerDatabase[] = [];
    for (const database of ledger.databases) {
      const here =
        database.kind === server.kind && database.host === server.host && database.port === server.port;
      if (!here) {
        kept.push(database);
        continue;
      }
      const result = await drop(database.database).catch(() => 'failed' as const);
      if (result === 'dropped') outcome.dropped.push(database.database);
      else if (result === 'unmarked') outcome.unmarked.push(database.database);
      else if (result === 'failed') kept.push(database);
    }
    // Only its databases change: folders and servers of a run killed since this one started stay for reaping.
    if (kept.length !== ledger.databases.length) rewrite(path, { ...ledger, databases: kept });
  }
  return outcome;
}
