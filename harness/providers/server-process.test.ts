/**
 * The supervision of server processes, with a shell script as the "server":
 * one that dies while starting is not restarted in a loop, one that dies
 * after it was serving is started again, and startAll leaves nothing running
 * when one of its processes cannot start. Also what every server is started
 * with: the SCHED_BATCH policy when asked, and a parent-death signal, so it
 * does not outlive a harness killed outright.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { scriptArgs } from '../testing/script-process.ts';
import { freePort, lostItsPort, startOnFreePorts } from './ports.ts';
import { isAlive } from './process-tree.ts';
import { ServerProcess, startAll, startOrAbandon } from './server-process.ts';

/** A "server" that writes a line per start to a log, then runs `then` (shell). */
function scripted(then: string, ready: boolean, batchScheduling = false) {
  const dir = mkdtempSync(join(tmpdir(), 'server-process-test-'));
  const log = join(dir, 'starts.log');
  const server = new ServerProcess({
    name: 'scripted',
    command: 'sh',
    args: ['-c', `echo start >> ${log}; ${then}`],
    dir,
    stopSignal: 'SIGTERM',
    isReady: async () => ready,
    readyTimeoutMs: 2000,
    restartOnExit: true,
    batchScheduling,
  });
  const starts = () => {
    try {
      return readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  return { server, starts };
}

describe('ServerProcess supervision', () => {
  it('does not restart a process that dies while starting: the start fails once', async () => {
    const { server, starts } = scripted('exit 1', false);
    await expect(server.start()).rejects.toThrow(/scripted exited during start-up/);
    await sleep(500);
    expect(starts()).toBe(1);
    await server.stop(100);
  });

  it('starts a process again after it died while serving, until stopped', async () => {
    const { server, starts } = scripted('sleep 0.2; exit 1', true);
    await server.start();
    await sleep(900);
    expect(starts()).toBeGreaterThanOrEqual(3);
    await server.stop(100);
    const stopped = starts();
    await sleep(400);
    expect(starts()).toBe(stopped);
  });

  it('keeps restarting a supervised process after a restart that timed out waiting for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'server-process-test-'));
    const log = join(dir, 'starts.log');
    const ready = join(dir, 'ready');
    const starts = () =>
      readFileSync(log, { encoding: 'utf8', flag: 'a+' }).split('\n').filter(Boolean).length;
    // The first start serves briefly, then dies; the second never gets ready (it times out and is
    // killed); the third serves.
    const script = `echo start >> ${log}; n=$(wc -l < ${log})
      if [ "$n" -eq 1 ]; then touch ${ready}; sleep 0.3; rm ${ready}; exit 1; fi
      if [ "$n" -ge 3 ]; then touch ${ready}; fi
      sleep 30`;
    const server = new ServerProcess({
      name: 'flaky',
      command: 'sh',
      args: ['-c', script],
      dir,
      stopSignal: 'SIGTERM',
      isReady: async () => existsSync(ready),
      readyTimeoutMs: 300,
      restartOnExit: true,
    });
    await server.start();
    for (let waited = 0; waited < 3000 && !(starts() === 3 && existsSync(ready)); waited += 50)
      await sleep(50);
    expect(starts()).toBe(3);
    expect(server.running).toBe(true);
    await server.stop(100);
  });

  it('startAll stops the others when one cannot start', async () => {
    const healthy = scripted('sleep 30', true);
    const broken = scripted('exit 1', false);
    await expect(startAll([healthy.server, broken.server])).rejects.toThrow(/exited during start-up/);
    expect(healthy.server.running).toBe(false);
  });
});

describe('ServerProcess scheduling', () => {
  /** The policy the started "server" runs under, as chrt reports it for its own shell. */
  async function policyOf(batchScheduling: boolean): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'server-process-policy-'));
    const report = join(dir, 'policy');
    const { server } = scripted(`chrt -p $$ > ${report}; sleep 30`, true, batchScheduling);
    await server.start();
    try {
      for (
        let waited = 0;
        waited < 2000 && !readFileSync(report, { flag: 'a+' }).includes('\n');
        waited += 20
      )
        await sleep(20);
      return readFileSync(report, 'utf8');
    } finally {
      await server.stop(100);
    }
  }

  it('runs a batch-scheduled server under SCHED_BATCH, and others under the normal policy', async () => {
    expect(await policyOf(true)).toMatch(/policy: SCHED_BATCH/);
    expect(await policyOf(false)).toMatch(/policy: SCHED_OTHER/);
  });
});

describe('ServerProcess and the harness dying', () => {
  it.each([
    ['running', ''],
    ['paused by a pause fault', 'server.pause();'],
  ])(
    'stops a server %s when the process that started it is SIGKILLed (no exit hook runs then)',
    async (_, pause) => {
      const dir = mkdtempSync(join(tmpdir(), 'server-process-orphan-'));
      const pidFile = join(dir, 'server.pid');
      const args = scriptArgs(
        dir,
        `import { ServerProcess } from ${JSON.stringify(join(import.meta.dirname, 'server-process.ts'))};
       const server = new ServerProcess({
         name: 'sleeper', command: 'sh', args: ['-c', 'echo $$ > ${pidFile}; exec sleep 60'],
         dir: ${JSON.stringify(dir)}, stopSignal: 'SIGTERM', batchScheduling: true,
         // Ready once it wrote its pid: a pause before that would stop it short of writing it.
         isReady: async () => (await import('node:fs')).existsSync(${JSON.stringify(pidFile)}),
       });
       await server.start();
       ${pause}
       console.log('started');
       setInterval(() => {}, 1000);
`,
      );
      const harness = spawn(process.execPath, args, {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) =>
        harness.stdout.on('data', (chunk) => String(chunk).includes('started') && resolve()),
      );
      let pid = 0;
      for (let waited = 0; waited < 2000 && !pid; waited += 20) {
        pid = Number(readFileSync(pidFile, { encoding: 'utf8', flag: 'a+' }).trim());
        if (!pid) await sleep(20);
      }
      expect(isAlive(pid)).toBe(true);
      harness.kill('SIGKILL');
      for (let waited = 0; waited < 3000 && isAlive(pid); waited += 20) await sleep(20);
      expect(isAlive(pid)).toBe(false);
    },
  );
});

describe('ServerProcess and a port another process took first', () => {
  /** A real server on `port`: Node listening on it, saying so with a file once it does. */
  const listenerOn = (dir: string, port: number) =>
    new ServerProcess({
      name: 'listener',
      command: process.execPath,
      args: [
        '-e',
        `require('net').createServer().listen(${port}, '127.0.0.1', () => require('fs').writeFileSync(process.argv[1], ''))`,
        join(dir, `listening-${port}`),
      ],
      dir,
      stopSignal: 'SIGTERM',
      isReady: async () => existsSync(join(dir, `listening-${port}`)),
      readyTimeoutMs: 5000,
    });

  it('abandons the start that lost its port, keeps its folder, and serves from another port', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'server-process-test-'));
    const handedOut = [taken];
    const failures: unknown[] = [];
    try {
      const { server, port } = await startOnFreePorts(
        1,
        async ([port]) => {
          const server = listenerOn(dir, port!);
          try {
            await startOrAbandon(server);
          } catch (error) {
            failures.push(error);
            // The folder must outlive the abandoned start: the next one starts in it.
            expect(existsSync(dir)).toBe(true);
            throw error;
          }
          return { server, port: port! };
        },
        { choosePort: async () => handedOut.shift() ?? freePort() },
      );
      expect(failures).toHaveLength(1);
      expect((failures[0] as { serverOutput: string }).serverOutput).toMatch(/EADDRINUSE/);
      expect(port).not.toBe(taken);
      expect(server.running).toBe(true);
      await server.stop(1000);
      expect(existsSync(dir)).toBe(false);
    } finally {
      holder.close();
    }
  });

  it('stops a start that failed for another reason and removes its folder', async () => {
    const { server } = scripted('echo "FATAL: out of memory"; exit 1', false);
    const dir = (server as unknown as { spec: { dir: string } }).spec.dir;
    const failed = await startOrAbandon(server).catch((error: unknown) => error);
    expect(lostItsPort(failed)).toBe(false);
    expect((failed as { serverOutput: string }).serverOutput).toContain('FATAL: out of memory');
    expect(existsSync(dir)).toBe(false);
  });
});
