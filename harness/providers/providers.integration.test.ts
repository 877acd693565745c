/**
 * The process providers start real servers on loopback and leave nothing
 * behind: no process, no temp directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { ConnectionInfo } from '../core/database.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../testing/components.ts';
import { scriptArgs } from '../testing/script-process.ts';
import { adminQuery, connectMariaDb, connectPostgres } from './db.ts';
import { startMariaDbProcess } from './mariadb-process.ts';
import { freePort } from './ports.ts';
import { startPostgresProcess } from './postgres-process.ts';
import { procStatField } from './process-tree.ts';
import { connectToUrl } from './url.ts';

const listening = (port: number) =>
  spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim();

const SCHED_OTHER = 0;
const SCHED_BATCH = 3;
/** The scheduling policy of a process or thread: field 41 of its /proc stat (0 is SCHED_OTHER). */
const schedulingPolicy = (statPath: string) => Number(procStatField(statPath, 41));

describeWith([await mariadbComponent()], 'MariaDB process provider', () => {
  it('starts mariadbd on a loopback port with a password, then removes it completely', async () => {
    const server = await startMariaDbProcess();
    expect(server.admin.host).toBe('127.0.0.1');
    expect(server.admin.password.length).toBeGreaterThanOrEqual(16);
    const connection = await connectMariaDb(server.admin);
    const [rows] = await connection.query('SELECT VERSION() AS v, @@bind_address AS bind');
    await connection.end();
    expect((rows as { v: string }[])[0]!.v).toMatch(/MariaDB/);
    expect((rows as { bind: string }[])[0]!.bind).toBe('127.0.0.1');
    await expect(adminQuery({ ...server.admin, password: 'wrong' }, ['SELECT 1'])).rejects.toThrow(
      /Access denied/,
    );
    expect(listening(server.admin.port)).toContain('127.0.0.1');
    await server.stop();
    expect(listening(server.admin.port)).toBe('');
    expect(spawnSync('pgrep', ['-f', `mariadbd.*port=${server.admin.port}`]).status).toBe(1);
  });

  it('runs mariadbd under the normal policy by default, as chaos runs do', async () => {
    const server = await startMariaDbProcess();
    try {
      const pid = spawnSync('pgrep', ['-f', `mariadbd.*port=${server.admin.port}`], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n');
      expect(pid).toHaveLength(1);
      expect(schedulingPolicy(`/proc/${pid[0]}/stat`)).toBe(SCHED_OTHER);
    } finally {
      await server.stop();
    }
  });

  it('runs every thread of mariadbd, connections included, under SCHED_BATCH when asked (the bench)', async () => {
    const server = await startMariaDbProcess({ batchScheduling: true });
    try {
      const connection = await connectMariaDb(server.admin);
      const [rows] = await connection.query(
        'SELECT TID AS tid FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()',
      );
      const pid = spawnSync('pgrep', ['-f', `mariadbd.*port=${server.admin.port}`], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n');
      expect(pid).toHaveLength(1);
      const connectionThread = (rows as { tid: number }[])[0]!.tid;
      expect(schedulingPolicy(`/proc/${pid[0]}/task/${connectionThread}/stat`)).toBe(SCHED_BATCH);
      await connection.end();
      const threads = readdirSync(`/proc/${pid[0]}/task`);
      expect(threads.length).toBeGreaterThan(1);
      for (const tid of threads)
        expect(schedulingPolicy(`/proc/${pid[0]}/task/${tid}/stat`)).toBe(SCHED_BATCH);
    } finally {
      await server.stop();
    }
  });
});

describeWith([await postgresComponent()], 'Postgres process provider', () => {
  it('a URL without the password the server requires: exit 3 as soon as the server refuses, not 60 s later', async () => {
    const server = await startPostgresProcess();
    try {
      const cli = join(import.meta.dirname, '..', 'cli', 'main.ts');
      const url = `postgres://${server.admin.user}@127.0.0.1:${server.admin.port}/postgres`;
      const started = Date.now();
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          cli,
          '--scenario',
          'stale-version-mutation',
          '--provider',
          'url',
          '--duration',
          '1s',
          '--out',
          mkdtempSync(join(tmpdir(), 'chaos-no-password-')),
        ],
        { env: { ...process.env, POSTGRES_URL: url }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status).toBe(3);
      expect(run.stderr).toMatch(
        /postgres at postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres refused the credentials \(SASL.*\); fix the user or password/,
      );
      // The refused connection's socket used to wait for the server's 60 s authentication timeout.
      expect(Date.now() - started).toBeLessThan(15_000);
      // A wrong password is named as such, with the server's words, and never shown.
      const wrong = `postgres://${server.admin.user}:wrong-secret-pw@127.0.0.1:${server.admin.port}/postgres`;
      const error = await connectToUrl('postgres', wrong).catch((e: Error) => e);
      expect((error as Error).message).toMatch(
        /refused the credentials \(28P01: password authentication failed/,
      );
      expect((error as Error).message).not.toContain('wrong-secret-pw');
    } finally {
      await server.stop();
    }
  });

  it('more workers than a URL server accepts: exit 2 naming its limit, before the workload runs', async () => {
    const server = await startPostgresProcess({ settings: { max_connections: '30' } });
    try {
      const cli = join(import.meta.dirname, '..', 'cli', 'main.ts');
      const url = `postgres://${server.admin.user}:${server.admin.password}@127.0.0.1:${server.admin.port}/postgres`;
      const out = mkdtempSync(join(tmpdir(), 'chaos-max-connections-'));
      const args = ['--scenario', 'stale-version-mutation', '--variant', 'correct', '--provider', 'url'];
      const run = (workers: string) =>
        spawnSync(
          process.execPath,
          ['--import', 'tsx', cli, ...args, '--workers', workers, '--out', out, '--overwrite'],
          {
            env: { ...process.env, POSTGRES_URL: url },
            encoding: 'utf8',
            timeout: 60_000,
          },
        );
      const refused = run('50');
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(
        /50 workers need 50 connections, and .* accepts at most 30 \(max_connections\), 20 of which the harness keeps for itself: use --workers 10 or fewer/,
      );
      expect(existsSync(join(out, 'histories'))).toBe(false); // refused before any operation
      // Within the limit it runs.
      expect(run('10').status).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('starts Postgres (as a non-root user when root) on loopback, then removes it completely', async () => {
    const server = await startPostgresProcess();
    const client = await connectPostgres(server.admin);
    const row = (
      await client.query(
        "SELECT current_setting('listen_addresses') AS listen, current_setting('data_directory') AS dir",
      )
    ).rows[0];
    await client.end();
    expect(row.listen).toBe('127.0.0.1');
    expect(existsSync(row.dir)).toBe(true);
    const owner = spawnSync('stat', ['-c', '%U', row.dir], { encoding: 'utf8' }).stdout.trim();
    if (process.getuid?.() === 0) expect(owner).not.toBe('root');
    await server.stop();
    expect(existsSync(row.dir)).toBe(false);
    expect(listening(server.admin.port)).toBe('');
  });

  it("runs the postmaster and each connection's backend under SCHED_BATCH when asked (the bench)", async () => {
    const server = await startPostgresProcess({ batchScheduling: true });
    try {
      const client = await connectPostgres(server.admin);
      const backend = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const postmaster = (await client.query("SELECT pg_read_file('postmaster.pid') AS text")).rows[0].text;
      // Read while the connection is open: its backend exits with it.
      expect(schedulingPolicy(`/proc/${backend}/stat`)).toBe(SCHED_BATCH);
      await client.end();
      expect(schedulingPolicy(`/proc/${Number(postmaster.split('\n')[0])}/stat`)).toBe(SCHED_BATCH);
    } finally {
      await server.stop();
    }
  });
});

/**
 * A child process starts a server in its own TMPDIR and exits (as a second
 * Ctrl-C does) once the server's temp directory exists, while its data
 * directory is still being initialised; returns what is left in that TMPDIR.
 */
function exitDuringInitialisation(module: string, start: string): string[] {
  const temp = mkdtempSync(join(tmpdir(), 'provider-exit-'));
  const args = scriptArgs(
    temp,
    `import { readdirSync } from 'node:fs';
     import { ${start} } from ${JSON.stringify(join(import.meta.dirname, module))};
     const made = setInterval(() => {
       if (readdirSync(process.env.TMPDIR).some((name) => name.startsWith('chaos-'))) process.exit(130);
     }, 5);
     await ${start}();
     clearInterval(made);
     console.log('started before the exit');
     process.exit(0);\n`,
  );
  const child = spawnSync(process.execPath, args, {
    env: { ...process.env, TMPDIR: temp },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.stdout).not.toContain('started before the exit');
  expect(child.status).toBe(130);
  // A set-up command left running (and its bootstrap server) would go on writing in there: give it
  // the time to, and require that none is left.
  const leftRunning = () => spawnSync('pgrep', ['-f', temp]).status === 0;
  for (let waited = 0; waited < 3000 && leftRunning(); waited += 100) spawnSync('sleep', ['0.1']);
  expect(leftRunning()).toBe(false);
  spawnSync('sleep', ['1']);
  const left = readdirSync(temp).filter((name) => name.startsWith('chaos-'));
  rmSync(temp, { recursive: true, force: true });
  return left;
}

describeWith(
  [await mariadbComponent(), await postgresComponent()],
  'a port taken before the server binds it',
  () => {
    /** Another process's listener on a port, and a port source that hands that port out first. */
    async function takenPortFirst() {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const taken = (holder.address() as { port: number }).port;
      const handedOut = [taken];
      return { holder, taken, choosePort: async () => handedOut.shift() ?? freePort() };
    }
    /** Server processes (and their wrappers) whose command line names `port`. */
    const onPort = (pattern: string) =>
      spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.trim();

    const servers = [
      {
        name: 'MariaDB',
        start: startMariaDbProcess,
        portOf: async (admin: ConnectionInfo) => {
          const connection = await connectMariaDb(admin);
          const [rows] = await connection.query('SELECT @@port AS port');
          await connection.end();
          return Number((rows as { port: number }[])[0]!.port);
        },
        commandLineOn: (port: number) => `mariadbd.*port=${port}( |$)`,
      },
      {
        name: 'Postgres',
        start: startPostgresProcess,
        portOf: async (admin: ConnectionInfo) => {
          const client = await connectPostgres(admin);
          const port = (await client.query("SELECT current_setting('port') AS port")).rows[0].port;
          await client.end();
          return Number(port);
        },
        commandLineOn: (port: number) => `postgres.* -p ${port}( |$)`,
      },
    ];
    for (const { name, start, portOf, commandLineOn } of servers)
      it(`${name} starts on another port, in the data directory it already made`, async () => {
        const { holder, taken, choosePort } = await takenPortFirst();
        try {
          const server = await start({ choosePort });
          try {
            expect(server.admin.port).not.toBe(taken);
            expect(await portOf(server.admin)).toBe(server.admin.port);
            expect(onPort(commandLineOn(taken))).toBe('');
          } finally {
            await server.stop();
          }
        } finally {
          holder.close();
        }
      });
  },
);

describeWith([await mariadbComponent(), await postgresComponent()], 'an exit mid-start', () => {
  it('leaves no temp directory behind while mariadb-install-db or initdb runs', () => {
    expect(exitDuringInitialisation('mariadb-process.ts', 'startMariaDbProcess')).toEqual([]);
    expect(exitDuringInitialisation('postgres-process.ts', 'startPostgresProcess')).toEqual([]);
  });
});

/**
 * A child process (the "harness") starts a server and is then SIGKILLed, as
 * the OOM killer would: no exit hook runs. Returns whether the server's port
 * was still listening 10 s later.
 */
async function serverOutlivesKilledHarness(module: string, start: string): Promise<boolean> {
  // The servers' own temp directories go in here too: nobody is left to remove them.
  const temp = mkdtempSync(join(tmpdir(), 'provider-killed-'));
  chmodSync(temp, 0o755); // Postgres runs as its own user when we are root
  const args = scriptArgs(
    temp,
    `import { ${start} } from ${JSON.stringify(join(import.meta.dirname, module))};
     const server = await ${start}();
     console.log('port ' + server.admin.port);
     setInterval(() => {}, 1000);\n`,
  );
  const harness = spawn(process.execPath, args, {
    env: { ...process.env, TMPDIR: temp },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    harness.stdout.on('data', (chunk) => {
      const found = /port (\d+)/.exec(String(chunk));
      if (found) resolve(Number(found[1]));
    });
    harness.once('exit', () => reject(new Error('the harness exited before its server started')));
  });
  expect(listening(port)).not.toBe('');
  harness.kill('SIGKILL');
  for (let waited = 0; waited < 10_000 && listening(port) !== ''; waited += 100) await sleep(100);
  const outlived = listening(port) !== '';
  // A server that stopped listening may still be shutting down, writing its last files.
  const running = () => spawnSync('pgrep', ['-f', temp]).status === 0;
  for (let waited = 0; waited < 10_000 && running(); waited += 100) await sleep(100);
  rmSync(temp, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  return outlived;
}

describeWith([await mariadbComponent(), await postgresComponent()], 'a harness killed outright', () => {
  it('takes its MariaDB and Postgres servers with it (parent-death signal)', async () => {
    expect(await serverOutlivesKilledHarness('mariadb-process.ts', 'startMariaDbProcess')).toBe(false);
    expect(await serverOutlivesKilledHarness('postgres-process.ts', 'startPostgresProcess')).toBe(false);
  });
});
