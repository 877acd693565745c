/**
 * A harness killed outright (SIGKILL) runs no exit hook. What it owned on the
 * machine is in its ledger, and the next run reaps it: its folders removed,
 * its servers killed, and its scratch databases on a foreign server named,
 * then dropped when a run uses that server, but only if they carry the
 * harness's marker.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { leftoverLines } from '../cli/leftovers.ts';
import type { DatabaseKind, DatabaseServer } from '../core/database.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../testing/components.ts';
import { scriptArgs } from '../testing/script-process.ts';
import { adminQuery, adminRows } from './db.ts';
import { startMariaDbProcess } from './mariadb-process.ts';
import { startPostgresProcess } from './postgres-process.ts';
import { isAlive, procStatField } from './process-tree.ts';
import { reapLeftovers } from './run-ledger.ts';
import { ServerPool } from './server-pool.ts';

const ledger = mkdtempSync(join(tmpdir(), 'run-ledger-test-'));
const previousLedger = process.env.CHAOS_LEDGER_DIR;
beforeAll(() => {
  // This test's own ledger folder: it reaps only what its own killed harnesses left.
  process.env.CHAOS_LEDGER_DIR = ledger;
});
afterAll(() => {
  if (previousLedger === undefined) delete process.env.CHAOS_LEDGER_DIR;
  else process.env.CHAOS_LEDGER_DIR = previousLedger;
  rmSync(ledger, { recursive: true, force: true });
});

/** A ledger as a killed run would have left it (the folder goes when its last ledger does). */
const writeLedger = (name: string, ledgerFile: object) => {
  mkdirSync(ledger, { recursive: true });
  writeFileSync(join(ledger, name), JSON.stringify(ledgerFile));
};

const urlOf = (server: DatabaseServer) => {
  const { kind, user, password, host, port, database } = server.admin;
  return `${kind === 'postgres' ? 'postgres' : 'mysql'}://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
};

const databaseExists = async (server: DatabaseServer, name: string) =>
  (server.kind === 'postgres'
    ? await adminRows(server.admin, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])
    : await adminRows(server.admin, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name])
  ).length > 0;

/**
 * A harness of its own: it makes an owned folder (1 MB in it) and a scratch
 * database on `server` as a server it did not start, prints both, and waits
 * to be killed.
 */
async function harnessKilledMidRun(
  server: DatabaseServer,
): Promise<{ pid: number; dir: string; database: string }> {
  const scriptDir = mkdtempSync(join(tmpdir(), 'run-ledger-script-'));
  const args = scriptArgs(
    scriptDir,
    `import { writeFileSync } from 'node:fs';
     import { ownedTempDir } from ${JSON.stringify(join(import.meta.dirname, 'owned.ts'))};
     import { createScratchDatabase } from ${JSON.stringify(join(import.meta.dirname, 'scratch-database.ts'))};
     const dir = ownedTempDir('chaos-ledger-test-');
     writeFileSync(dir + '/data', Buffer.alloc(1_000_000));
     const database = await createScratchDatabase({ ...${JSON.stringify(server)}, provider: 'url' });
     console.log(JSON.stringify({ dir, database: database.info.database }));
     setInterval(() => {}, 1000);
`,
  );
  const harness = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CHAOS_LEDGER_DIR: ledger },
  });
  const line = await new Promise<string>((resolve) =>
    harness.stdout.on('data', (chunk) => resolve(String(chunk))),
  );
  harness.kill('SIGKILL');
  await new Promise((resolve) => harness.once('exit', resolve));
  rmSync(scriptDir, { recursive: true, force: true });
  return { pid: harness.pid!, ...(JSON.parse(line) as { dir: string; database: string }) };
}

const cases: [DatabaseKind, () => Promise<DatabaseServer>][] = [
  ['postgres', () => startPostgresProcess()],
  ['mariadb', () => startMariaDbProcess()],
];

describeWith([await postgresComponent(), await mariadbComponent()], 'the ledger of a killed harness', () => {
  it.each(cases)(
    '%s: the next run removes its folder, names its scratch database, and drops it only when marked',
    async (kind, start) => {
      const server = await start();
      try {
        const killed = await harnessKilledMidRun(server);
        expect(existsSync(killed.dir)).toBe(true);
        expect(await databaseExists(server, killed.database)).toBe(true);

        // A database of the harness's name pattern that lacks the marker, as a killed run's ledger names it.
        const unmarked = `chaos_unmarked${kind}`;
        await adminQuery(server.admin, [`CREATE DATABASE ${unmarked}`]);
        writeLedger('999999999.json', {
          pid: 999_999_999,
          started: '1',
          dirs: ['/etc'], // outside the temp folder: never removed
          processes: [],
          databases: [{ kind, host: server.admin.host, port: server.admin.port, database: unmarked }],
        });

        const found = reapLeftovers();
        expect(existsSync(killed.dir)).toBe(false);
        expect(existsSync('/etc')).toBe(true);
        expect(found.removedDirs).toEqual([{ path: killed.dir, bytes: 1_000_000 }]);
        expect(found.databases).toContainEqual(
          expect.objectContaining({ database: killed.database, owner: killed.pid }),
        );
        const lines = leftoverLines(found);
        expect(lines).toContain('removed 1 folder(s) a killed run left (1.0 MB)');
        expect(lines).toContainEqual(expect.stringContaining(`left database ${killed.database} on ${kind}`));

        // Reaped once: a second look finds no folder, and still names the database (it is still there).
        expect(reapLeftovers().removedDirs).toEqual([]);

        const notices: string[] = [];
        const pool = new ServerPool({
          preference: 'auto',
          urls: { [kind]: urlOf(server) },
          notice: (l) => notices.push(l),
        });
        await pool.get(kind);
        expect(notices).toContainEqual(
          expect.stringMatching(new RegExp(`^dropped ${killed.database} on ${kind} `)),
        );
        expect(notices).toContainEqual(expect.stringMatching(new RegExp(`^left alone ${unmarked} `)));
        expect(await databaseExists(server, killed.database)).toBe(false);
        expect(await databaseExists(server, unmarked)).toBe(true);
        // Dealt with: no later run names them again.
        expect(reapLeftovers().databases).toEqual([]);
        await pool.stopAll();
      } finally {
        await server.stop();
      }
    },
    60_000,
  );

  it('kills a server a killed harness left running (where no parent-death signal ended it)', async () => {
    const server = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    server.unref();
    const pid = server.pid!;
    // The ledger of an owner that is gone (a pid of a process that ended, with its start time).
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    writeLedger(`${gone.pid}.json`, {
      pid: gone.pid,
      started: '1',
      dirs: [],
      processes: [
        { pid, started: procStatField(`/proc/${pid}/stat`, 22) },
        // A recorded pid whose process is another one now (other start time): left alone.
        { pid: process.pid, started: '1' },
      ],
      databases: [],
    });
    expect(reapLeftovers().killedProcesses).toEqual([pid]);
    for (let waited = 0; waited < 2000 && isAlive(pid); waited += 20) await sleep(20);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(ledger, `${gone.pid}.json`))).toBe(false);
  });
});
