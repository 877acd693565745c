/**
 * What the two lean database connections (pg-prepared.ts, mariadb-prepared.ts)
 * share: the socket with its direct writer, the queue of requests waiting for
 * their responses, and what a lost connection means. Every waiting request is
 * rejected with the loss, and later requests are refused without being sent,
 * marked `notSent` so the outcome is `fail` (it surely did not happen), not
 * `info`.
 */
import type { Socket } from 'node:net';
import { directWriter } from './framed-socket.ts';

export abstract class LeanConnection<Request extends { reject(error: Error): void }> {
  /** Requests sent and not yet answered, oldest first: responses come back in order. */
  protected readonly pending: Request[] = [];
  /** Why the connection was lost, once it was. */
  protected broken: Error | undefined;
  protected readonly send: (buffer: Buffer) => void;

  /** `lostWith` turns a socket error, or the server closing (no error), into the error requests see. */
  protected constructor(
    protected readonly socket: Socket,
    lostWith: (error?: Error) => Error,
  ) {
    this.send = directWriter(socket);
    socket.on('error', (error) => this.lose(lostWith(error)));
    socket.on('close', () => this.lose(lostWith()));
  }

  private lose(error: Error): void {
    this.broken ??= error;
    for (const request of this.pending.splice(0)) request.reject(error);
  }

  /** The answer to a request on a lost connection (check `broken` first): nothing was sent. */
  protected refused(): Promise<never> {
    return Promise.reject(
      Object.assign(new Error(`connection closed: ${this.broken?.message}`), { notSent: true }),
    );
  }

  /** Say the protocol's goodbye and wait for the socket to close; nothing to do on a lost connection. */
  protected close(goodbye: Buffer): Promise<void> {
    if (this.broken) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end(goodbye);
    });
  }
}

/**
 * The promise of a connection's handshake: `run` gets `done` and `fail`, and
 * must call one of them; after `timeoutMs` it fails with `timeoutError()`.
 * Failing destroys the socket, so a half-open connection is never left behind.
 */
export function handshakeWithin<T>(
  socket: Socket,
  timeoutMs: number,
  timeoutError: () => Error,
  run: (done: (value: T) => void, fail: (error: Error) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(timeoutError()), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    try {
      run((value) => {
        clearTimeout(timer);
        resolve(value);
      }, fail);
    } catch (error) {
      fail(error as Error); // not left to the timeout, with the socket open
    }
  });
}
