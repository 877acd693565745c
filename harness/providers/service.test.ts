import { describe, expect, it } from 'vitest';
import { EnvironmentError, UsageError } from '../core/errors.ts';
import { freePort } from './ports.ts';
import { databaseOfUrl, reachService, startService } from './service.ts';

describe("the user's service", () => {
  it('at a URL that does not answer: exit 3 naming the address and the cause, before any workload', async () => {
    const port = await freePort();
    const reached = reachService({ url: `http://127.0.0.1:${port}` });
    await expect(reached).rejects.toBeInstanceOf(EnvironmentError);
    await expect(reached).rejects.toThrow(
      `service at http://127.0.0.1:${port} is unreachable (ECONNREFUSED)`,
    );
  });

  it('at a URL off this machine: refused, never sent anything', async () => {
    await expect(reachService({ url: 'http://192.0.2.7:80' })).rejects.toThrow(UsageError);
  });

  it('started, but exiting at once: exit 3 with what it said', async () => {
    const started = startService(
      { command: process.execPath, args: ['-e', 'console.error("no config file"); process.exit(4)'] },
      { target: 'broken', variant: 'as-is' },
    );
    await expect(started).rejects.toBeInstanceOf(EnvironmentError);
    await expect(started).rejects.toThrow(
      /service of broken .* did not start on http:\/\/127\.0\.0\.1:\d+: .*no config file/s,
    );
  });

  it('started: gets its port, its own folder and its variant, and answers at its URL', async () => {
    const script = `require('http').createServer((q, s) => s.end(JSON.stringify({ dir: process.env.CHAOS_DATA_DIR, mode: process.env.MODE })))
      .listen(Number(process.env.APP_PORT), '127.0.0.1')`;
    const service = await startService(
      { command: process.execPath, args: ['-e', script], portEnv: 'APP_PORT', env: (v) => ({ MODE: v }) },
      { target: 'mine', variant: 'broken-one' },
    );
    try {
      const body = (await (await fetch(service.url)).json()) as { dir: string; mode: string };
      expect(body.mode).toBe('broken-one');
      expect(body.dir).toMatch(/chaos-service-mine-/);
      expect(service.processTarget.control).toBeDefined();
    } finally {
      await service.stop();
    }
    await expect(fetch(service.url)).rejects.toThrow(); // stopped with the pass
  });

  it("names the service's own database by its URL, for session faults", () => {
    expect(databaseOfUrl('postgres://app:pw@127.0.0.1:5433/shop')).toMatchObject({
      database: 'shop',
      login: { kind: 'postgres', port: 5433 },
    });
    expect(() => databaseOfUrl('redis://127.0.0.1/0')).toThrow(
      /use a postgres:\/\/, postgresql:\/\/, mysql:\/\/ or mariadb:\/\/ URL/,
    );
  });
});
