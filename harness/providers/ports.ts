import { createServer } from 'node:net';

/** A currently free TCP port on 127.0.0.1 (the OS picks it; we release it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port assigned'));
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * Whether a start failed because its port was taken: the error's message, or
 * the output of the server it names (`serverOutput`, see ServerProcess), says
 * so in the words of Linux ("Address already in use"), Node (EADDRINUSE) or Go.
 */
export function lostItsPort(error: unknown): boolean {
  const { message, serverOutput } = (error ?? {}) as { message?: unknown; serverOutput?: unknown };
  return /address already in use|EADDRINUSE/i.test(`${String(message)}\n${String(serverOutput ?? '')}`);
}

export interface FreePortOptions {
  /** How many sets of ports to try (default 3). */
  attempts?: number;
  /** Where ports come from (default freePort; tests hand out taken ones). */
  choosePort?: () => Promise<number>;
}

/**
 * Run `start` on `count` free loopback ports, and again on new ones when it
 * fails because a port was taken after all: `freePort()` only knows a port was
 * free when it asked, and another process (a second harness run, a test, an
 * outgoing connection) may bind it before the server does. `start` must leave
 * nothing running when it throws; any other error is thrown at once.
 */
export async function startOnFreePorts<T>(
  count: number,
  start: (ports: number[]) => Promise<T>,
  { attempts = 3, choosePort = freePort }: FreePortOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await choosePort();
      if (!ports.includes(port)) ports.push(port);
    }
    try {
      return await start(ports);
    } catch (error) {
      if (attempt >= attempts || !lostItsPort(error)) throw error;
    }
  }
}
