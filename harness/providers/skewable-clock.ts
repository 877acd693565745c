/**
 * A clock the harness can shift for chosen processes, and only for them: the
 * `clock-skew` fault. Processes started with `env` preload libfaketime (from
 * Debian's `faketime` package), which reads the offset from a file of the pass
 * on every call, so the fault moves their wall clock while they run. The
 * monotonic clock is left alone (timers keep working) and the system clock is
 * never touched.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../core/errors.ts';
import { ownedTempDir, removeOwnedDir } from './owned.ts';

/** Where Debian, Ubuntu and a source build put the thread-safe library (Node is multi-threaded). */
const LIBFAKETIME_PATHS = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/faketime/libfaketimeMT.so.1',
  '/usr/local/lib/faketime/libfaketimeMT.so.1',
];

export const LIBFAKETIME_HINT =
  "clock-skew faults need libfaketime: install Debian's faketime package (scripts/setup.sh does), or set CHAOS_LIBFAKETIME to libfaketimeMT.so.1";

export function libfaketimePath(): string | undefined {
  const chosen = process.env.CHAOS_LIBFAKETIME;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  return LIBFAKETIME_PATHS.find((path) => existsSync(path));
}

/** libfaketime's relative offset: seconds with a sign, fractions allowed ("+1.5", "-0.25"). */
export function faketimeOffset(skewMs: number): string {
  return `${skewMs < 0 ? '-' : '+'}${(Math.abs(skewMs) / 1000).toFixed(3)}`;
}

export interface SkewableClock {
  /** Environment for a process that must read this clock (merge it into the process's own). */
  env: Record<string, string>;
  /** Shift the clock of every process reading it by `skewMs` from the real time (0 heals). */
  skew(skewMs: number): void;
  /** Pids of this machine's processes that read this clock and have libfaketime loaded. */
  processesReading(): number[];
  /** Remove the clock's file (its processes are stopped first). */
  dispose(): void;
}

export function createSkewableClock(): SkewableClock {
  const library = libfaketimePath();
  if (!library) throw new EnvironmentError(LIBFAKETIME_HINT);
  const dir = ownedTempDir('chaos-clock-');
  const file = join(dir, 'offset');
  writeFileSync(file, faketimeOffset(0));
  return {
    env: {
      LD_PRELOAD: [library, process.env.LD_PRELOAD].filter(Boolean).join(':'),
      FAKETIME_TIMESTAMP_FILE: file,
      // Read the file on every call, so a window starts and ends when the fault says.
      FAKETIME_NO_CACHE: '1',
      // Timers and timeouts run on the monotonic clock: they must keep real time.
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    },
    skew(skewMs) {
      writeFileSync(file, faketimeOffset(skewMs));
    },
    processesReading: () => processesWith(`FAKETIME_TIMESTAMP_FILE=${file}`),
    dispose: () => removeOwnedDir(dir),
  };
}

/** Processes whose environment holds `entry` (this pass's clock file, so none of another run's) with libfaketime loaded. */
function processesWith(entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const environment = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (!environment.includes(entry)) continue;
      if (readFileSync(`/proc/${name}/maps`, 'utf8').includes('libfaketime')) pids.push(Number(name));
    } catch {
      // Gone, or another user's: not one of ours.
    }
  }
  return pids;
}
