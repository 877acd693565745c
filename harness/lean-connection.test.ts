/**
 * The lean connections' handshake deadline, against a real TCP server that
 * accepts and never answers (a hung or paused database looks like this).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handshakeWithin } from './lean-connection.ts';
import { MariaDbPreparedConnection } from './mariadb-prepared.ts';
import { PreparedConnection } from './pg-prepared.ts';

let silent: Server;
let port = 0;
const accepted: Socket[] = [];

beforeAll(async () => {
  silent = createServer((socket) => {
    accepted.push(socket);
    socket.resume(); // reads (and drops) what the client says, so it sees the client close
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  port = (silent.address() as { port: number }).port;
});
afterAll(() => {
  for (const socket of accepted) socket.destroy();
  silent.close();
});

const info = (kind: 'postgres' | 'mariadb') => ({
  kind,
  host: '127.0.0.1',
  port,
  user: 'u',
  password: 'p',
  database: 'd',
});
/** Whether the client closed its end within 2 s. */
const closedByPeer = (socket: Socket) =>
  new Promise<boolean>((resolve) => {
    if (socket.closed) return resolve(true);
    socket.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 2_000);
  });

it.each([
  ['Postgres', (ms: number) => PreparedConnection.connect(info('postgres'), 'd', ms)],
  ['MariaDB', (ms: number) => MariaDbPreparedConnection.connect(info('mariadb'), 'd', ms)],
])(
  'a %s server that never answers fails the connect with ETIMEDOUT and the socket is closed',
  async (_, connect) => {
    const before = accepted.length;
    const started = performance.now();
    const error = await connect(300).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5_000);
    expect(accepted.length).toBe(before + 1);
    expect(await closedByPeer(accepted.at(-1)!)).toBe(true); // destroyed on our side, not left half open
  },
);

it('a handshake that throws at once fails at once, with the socket closed', async () => {
  const before = accepted.length;
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const started = performance.now();
  const error = await handshakeWithin(
    socket,
    10_000,
    () => new Error('timeout'),
    () => {
      throw new Error('unreadable greeting');
    },
  ).catch((e: unknown) => e);
  expect(error).toMatchObject({ message: 'unreadable greeting' });
  expect(performance.now() - started).toBeLessThan(1_000);
  expect(socket.destroyed).toBe(true);
  await new Promise((r) => setTimeout(r, 50));
  expect(accepted.length).toBe(before + 1);
  expect(await closedByPeer(accepted.at(-1)!)).toBe(true);
});
