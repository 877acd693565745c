/**
 * The processes this test run started, and no one else's: another run of the
 * harness on the same machine (a developer's, a second CI job) must not make
 * a test fail. The run's processes are told apart by its own TMPDIR (set by
 * temp-dir.global-setup.ts), which they carry in their environment or, for
 * servers started as another user, in their command line (their data folder).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').replaceAll('\0', ' ');
  } catch {
    return ''; // ended meanwhile, or not ours to read
  }
}

/** Command lines of this run's processes (other than this one) that match `pattern`. */
export function processesOfThisRun(pattern: RegExp): string[] {
  const runDir = tmpdir();
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .flatMap((pid) => {
      const commandLine = read(`/proc/${pid}/cmdline`).trim();
      if (!pattern.test(commandLine)) return [];
      const ours = commandLine.includes(runDir) || read(`/proc/${pid}/environ`).includes(`TMPDIR=${runDir} `);
      return ours ? [`${pid} ${commandLine}`] : [];
    });
}
