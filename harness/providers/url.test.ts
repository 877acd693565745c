import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectionUrl, hostPort, ProviderUnavailable } from '../core/database.ts';
import { UsageError } from '../core/errors.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import { freePort } from './ports.ts';
import { connectToUrl, parseDatabaseUrl } from './url.ts';

describe('database URLs', () => {
  it('parses credentials, port and database', () => {
    expect(parseDatabaseUrl('postgres', 'postgresql://app:p%40ss@127.0.0.1:6543/shop')).toEqual({
      kind: 'postgres',
      host: '127.0.0.1',
      port: 6543,
      user: 'app',
      password: 'p@ss',
      database: 'shop',
    });
    expect(parseDatabaseUrl('mariadb', 'mysql://root:pw@localhost').port).toBe(3306);
  });

  it('writes an IPv6 loopback host in brackets in addresses and URLs, so a ::1 URL round-trips', () => {
    expect(hostPort('::1', 5432)).toBe('[::1]:5432');
    expect(hostPort('127.0.0.1', 5432)).toBe('127.0.0.1:5432');
    const info = parseDatabaseUrl('postgres', 'postgres://app:pw@[::1]:6543/shop');
    expect(info.host).toBe('::1');
    expect(parseDatabaseUrl('postgres', connectionUrl(info))).toEqual(info);
  });

  it('only accepts loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.3.2.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('10.0.0.5')).toBe(false);
    expect(isLoopbackHost('db.example.com')).toBe(false);
    expect(() => parseDatabaseUrl('postgres', 'postgres://u:secretpw@10.1.2.3/db')).toThrow(
      /not a loopback address/,
    );
  });

  it('rejects a wrong scheme or a malformed URL as bad input (exit 2), without echoing the password', () => {
    expect(() => parseDatabaseUrl('mariadb', 'postgres://u:p@127.0.0.1/x')).toThrow(
      /must start with mysql:\/\/ or mariadb:\/\//,
    );
    try {
      parseDatabaseUrl('postgres', 'postgres://u:topsecret@127.0.0.1:notaport/x');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
      expect((error as Error).message).not.toContain('topsecret');
    }
  });

  it('reports an unreachable server within 10 s, with the password masked', async () => {
    const port = await freePort(); // nothing listens there
    const started = Date.now();
    const error = await connectToUrl('postgres', `postgres://app:hunter2secret@127.0.0.1:${port}/db`).catch(
      (e: Error) => e,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect((error as Error).message).toMatch(/unreachable \(ECONNREFUSED\)/);
    expect((error as Error).message).not.toContain('hunter2secret');
    expect((error as Error).message).toContain('app:****@');
  });

  it('gives up on a server that accepts connections but never answers within 10 s, for both kinds', async () => {
    const silent = createServer(() => {}); // accepts, never says a word
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const errors = await Promise.all([
        connectToUrl('postgres', `postgres://app:pw12345@127.0.0.1:${port}/db`).catch((e: Error) => e),
        connectToUrl('mariadb', `mysql://app:pw12345@127.0.0.1:${port}/db`).catch((e: Error) => e),
      ]);
      expect(Date.now() - started).toBeLessThan(8000);
      for (const error of errors) {
        expect(error).toBeInstanceOf(ProviderUnavailable);
        expect((error as Error).message).toMatch(/is unreachable/);
      }
    } finally {
      silent.close();
    }
  });
});

it('never echoes a malformed URL, which may hold a password where no pattern finds it', () => {
  for (const url of ['host=127.0.0.1 password = hunter2secret', 'just some text hunter2secret']) {
    let message = '';
    try {
      parseDatabaseUrl('postgres', url);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/postgres URL is not a valid URL \(\d+ characters, not shown/);
    expect(message).not.toContain('hunter2secret');
  }
});
