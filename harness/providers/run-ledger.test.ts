import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
    rmSync(mine, { recursive: true, force: true });
    expect(existsSync(ledger)).toBe(false); // nothing left to name: the ledger folder goes too
  } finally {
    delete process.env.CHAOS_LEDGER_DIR;
  }
});

it("dropping a killed run's databases keeps its folders for reaping; a ledger folder others may write is not read", async () => {
  const ledger = mkdtempSync(join(tmpdir(), 'run-ledger-drop-'));
  process.env.CHAOS_LEDGER_DIR = ledger;
  try {
    const { dropLeftoverDatabases, reapLeftovers } = await import('./run-ledger.ts');
    const left = mkdtempSync(join(tmpdir(), 'chaos-killed-later-'));
    const server = { kind: 'postgres' as const, host: '127.0.0.1', port: 5432 };
    const write = () =>
      writeFileSync(
        join(ledger, '999999997.json'),
        JSON.stringify({
          pid: 999_999_997,
          started: '1',
          dirs: [left],
          databases: [{ ...server, database: 'chaos_a' }],
        }),
      );
    write();
    // Its ledger is found writable by others: nothing is reaped from it.
    chmodSync(ledger, 0o777);
    expect(reapLeftovers()).toEqual({ removedDirs: [], killedProcesses: [], databases: [] });
    expect(existsSync(left)).toBe(true);
    chmodSync(ledger, 0o700);
    // The run was killed after this one reaped: a drop of its database must leave its folder named.
    expect(await dropLeftoverDatabases(server, async () => 'dropped')).toEqual({
      dropped: ['chaos_a'],
      unmarked: [],
    });
    expect(reapLeftovers().removedDirs.map((d) => d.path)).toEqual([left]);
    expect(existsSync(left)).toBe(false);
  } finally {
    delete process.env.CHAOS_LEDGER_DIR;
  }
});
