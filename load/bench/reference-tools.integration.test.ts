/**
 * The benchmark's reference tools, run for real: wrk sends the same request as
 * the harness (a new order and key each time), mariadb-slap runs the target's
 * upsert. In CI a missing wrk fails here rather than only in `npm run bench`.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { adminQuery, connectMariaDb } from '../../harness/providers/db.ts';
import { createScratchDatabase } from '../../harness/providers/scratch-database.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent, wrkComponent } from '../../harness/testing/components.ts';
import { EMPLOYEE_TABLE } from '../../targets/mariadb-upsert/index.ts';
import { runMariadbSlap } from './mariadb-slap.ts';
import { runWrk } from './wrk.ts';

describeWith([await wrkComponent()], 'wrk as the HTTP reference', () => {
  it('places a new order with its own Idempotency-Key on every request, and its rate matches what the server saw', async () => {
    const keys: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const order = JSON.parse(body) as { orderId: string; qty: number };
        expect(request.method).toBe('POST');
        expect(request.url).toBe('/orders');
        expect(request.headers['idempotency-key']).toBe(`key-${order.orderId}`);
        keys.push(String(request.headers['idempotency-key']));
        response.writeHead(201, { 'content-type': 'application/json' }).end('{"status":"COMPLETED"}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const { requestsPerSecond } = await runWrk(`http://127.0.0.1:${port}`, {
        connections: 4,
        seconds: 1,
        threads: 2,
      });
      expect(keys.length).toBeGreaterThan(50);
      expect(new Set(keys).size).toBe(keys.length); // never a repeated key: no cheap replays
      // wrk's own figure agrees with the server's count over its one second (give or take the edges).
      expect(requestsPerSecond).toBeGreaterThan(keys.length * 0.7);
      expect(requestsPerSecond).toBeLessThan(keys.length * 1.3);
    } finally {
      server.close();
    }
  });
});

describeWith([await mariadbComponent()], 'mariadb-slap as the MariaDB reference', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  afterAll(() => pool.stopAll());

  it("runs the target's upsert the number of times asked, each taking effect once", async () => {
    const scratch = await createScratchDatabase(await pool.get('mariadb'));
    try {
      await adminQuery(scratch.info, [EMPLOYEE_TABLE]);
      const slap = await runMariadbSlap(scratch.info, { clients: 2, queriesPerClient: 50, emails: 10 });
      expect(slap.seconds).toBeGreaterThan(0);
      const connection = await connectMariaDb(scratch.info);
      const [rows] = await connection.query('SELECT COUNT(*) AS n, SUM(version) AS upserts FROM employee');
      await connection.end();
      const { n, upserts } = (rows as { n: number; upserts: number }[])[0]!;
      // 10 emails: at most 10 rows, and the versions add up to the upserts that took effect.
      expect(Number(n)).toBeLessThanOrEqual(10);
      expect(Number(upserts) + slap.errors).toBe(100);
      // Most of them took effect (only deadlock victims fail), on several of the emails.
      expect(slap.errors).toBeLessThan(50);
      expect(Number(n)).toBeGreaterThan(1);
    } finally {
      await scratch.drop();
    }
  });
});
