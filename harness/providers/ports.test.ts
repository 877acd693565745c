/**
 * Ports for the servers the harness starts: telling a lost port from another
 * failure, and trying again on new ports only for a lost one.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, lostItsPort, startOnFreePorts } from './ports.ts';

describe('lostItsPort', () => {
  it("recognises each server's own words for a taken port", () => {
    // Postgres, MariaDB, Node (Fastify's listen), Go (Toxiproxy).
    for (const words of [
      'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use',
      "[ERROR] Can't start server: Bind on TCP/IP port. Got error: 98: Address already in use",
      'Error: listen EADDRINUSE: address already in use 127.0.0.1:41234',
      'listen tcp 127.0.0.1:41234: bind: address already in use',
    ]) {
      expect(lostItsPort(new Error(words))).toBe(true);
    }
  });

  it("looks into the server's output, which says more than the error's last lines", () => {
    const error = Object.assign(
      new Error('postgres exited during start-up: FATAL: could not create any TCP/IP sockets'),
      {
        serverOutput: 'LOG: could not bind IPv4 address "127.0.0.1": Address already in use\nFATAL: ...',
      },
    );
    expect(lostItsPort(error)).toBe(true);
  });

  it('is false for any other failure, and for things that are not errors', () => {
    expect(lostItsPort(new Error('initdb: could not create directory: Permission denied'))).toBe(false);
    expect(lostItsPort(Object.assign(new Error('exited'), { serverOutput: 'FATAL: out of memory' }))).toBe(
      false,
    );
    expect(lostItsPort(undefined)).toBe(false);
    expect(lostItsPort('timeout')).toBe(false);
  });
});

describe('startOnFreePorts', () => {
  const held: Server[] = [];
  afterEach(async () => {
    await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  /** A port another process holds, as if it took the port between freePort() and the server's bind. */
  async function takenPort(): Promise<number> {
    const server = createServer();
    held.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  /** A "server" that really binds its ports, failing as Node does when one is taken. */
  async function bindAll(ports: number[]): Promise<number[]> {
    for (const port of ports) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      held.push(server);
    }
    return ports;
  }

  it('starts again on new ports when one was taken, and returns what the start returned', async () => {
    const taken = await takenPort();
    const handedOut = [taken];
    const tried: number[][] = [];
    const bound = await startOnFreePorts(
      2,
      (ports) => {
        tried.push(ports);
        return bindAll(ports);
      },
      // The first port handed out is taken; then the real free ones.
      { choosePort: async () => handedOut.shift() ?? freePort() },
    );
    expect(tried).toHaveLength(2);
    expect(tried[0]).toContain(taken);
    expect(bound).toEqual(tried[1]);
    expect(bound).not.toContain(taken);
    expect(new Set(bound).size).toBe(2);
  });

  it('gives up after the attempts it was given, with the last error', async () => {
    const taken = await takenPort();
    let starts = 0;
    await expect(
      startOnFreePorts(
        1,
        (ports) => {
          starts++;
          return bindAll(ports);
        },
        { attempts: 2, choosePort: async () => taken },
      ),
    ).rejects.toThrow(/EADDRINUSE/);
    expect(starts).toBe(2);
  });

  it('does not try again after any other failure', async () => {
    let starts = 0;
    await expect(
      startOnFreePorts(1, async () => {
        starts++;
        throw new Error('mariadbd exited during start-up: [ERROR] Aborting');
      }),
    ).rejects.toThrow('Aborting');
    expect(starts).toBe(1);
  });

  it('never hands out the same port twice in one set', async () => {
    const handedOut = [5001, 5001, 5001, 5002];
    const ports = await startOnFreePorts(2, async (p) => p, { choosePort: async () => handedOut.shift()! });
    expect(ports).toEqual([5001, 5002]);
  });
});
