import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it("a killed run's ledger at this process's own pid (pids are reused) is set aside, then reaped, never overwritten", async () => {
  const ledger = mkdtempSync(join(tmpdir(), 'run-ledger-reuse-'));
  process.env.CHAOS_LEDGER_DIR = ledger;
  try {
    const left = mkdtempSync(join(tmpdir(), 'chaos-reused-pid-'));
    writeFileSync(join(left, 'data'), 'x');
    // What a killed process that had this pid wrote: another start time.
    writeFileSync(
      join(ledger, `${process.pid}.json`),
      JSON.stringify({ pid: process.pid, started: '1', dirs: [left] }),
    );
    const { recordDir, forgetDir, reapLeftovers } = await import('./run-ledger.ts');
    const mine = mkdtempSync(join(tmpdir(), 'chaos-mine-'));
    recordDir(mine);
    expect(readdirSync(ledger).sort()).toEqual([`${process.pid}-1.json`, `${process.pid}.json`]);
    const found = reapLeftovers();
    expect(found.removedDirs.map((d) => d.path)).toEqual([left]);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(mine)).toBe(true); // this process's own, still running: not reaped
    forgetDir(mine);
    expect(existsSync(ledger)).toBe(false); // nothing left to name: the ledger folder goes too
  } finally {
    delete process.env.CHAOS_LEDGER_DIR;
  }
});
