import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { processesOfThisRun } from './run-processes.ts';

it("finds this run's processes by its TMPDIR, and not another run's", async () => {
  const marker = `chaos-run-processes-${process.pid}`;
  // A process that waits, with `tag` on its command line.
  const waiting = (tag: string, env: NodeJS.ProcessEnv) =>
    spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', tag], { env });
  const ours = waiting(`${marker}-ours`, { ...process.env });
  // Another run: a TMPDIR of its own and nothing of ours on its command line.
  const otherRunDir = mkdtempSync(join('/tmp', 'chaos-other-run-'));
  const theirs = waiting(`${marker}-theirs`, { ...process.env, TMPDIR: otherRunDir });
  // A server started as another user, its environment unreadable or reset: its data folder is ours.
  const underOurDir = waiting(join(tmpdir(), `${marker}-data`), { ...process.env, TMPDIR: otherRunDir });
  try {
    // Wait until each has exec'd node (before that its command line is still ours, the test's).
    const started = (pid: number | undefined) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    };
    for (let tries = 0; tries < 100 && ![ours, theirs, underOurDir].every((c) => started(c.pid)); tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const found = processesOfThisRun(new RegExp(marker));
    expect(found.some((line) => line.includes(`${marker}-ours`))).toBe(true);
    expect(found.some((line) => line.includes(`${marker}-theirs`))).toBe(false);
    expect(found.some((line) => line.includes(`${marker}-data`))).toBe(true);
  } finally {
    for (const child of [ours, theirs, underOurDir]) child.kill('SIGKILL');
    rmSync(otherRunDir, { recursive: true, force: true });
  }
});
