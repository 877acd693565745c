/**
 * The lean prepared-statement connection on a real Postgres: results, errors
 * that leave the connection usable, authentication, and a killed backend.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseServer } from './core/database.ts';
import { classifyError } from './core/outcomes.ts';
import { PreparedConnection } from './pg-prepared.ts';
import { adminQuery } from './providers/db.ts';
import { startPostgresProcess } from './providers/postgres-process.ts';
import { describeWith, postgresComponent } from './testing/components.ts';

describeWith([await postgresComponent()], 'PreparedConnection', () => {
  let server: DatabaseServer;
  beforeAll(async () => {
    server = await startPostgresProcess();
    await adminQuery(server.admin, [
      'CREATE TABLE item (id INT PRIMARY KEY, name TEXT)',
      "INSERT INTO item VALUES (1, 'one'), (2, NULL)",
    ]);
  });
  afterAll(() => server.stop());

  it('returns rows as text and the affected row count', async () => {
    const connection = await PreparedConnection.connect(server.admin);
    const read = await connection.query('read', 'SELECT id, name FROM item ORDER BY id', []);
    expect(read.rows).toEqual([
      ['1', 'one'],
      ['2', null],
    ]);
    const updated = await connection.query('rename', 'UPDATE item SET name = $2 WHERE id = $1', [2, 'two']);
    expect(updated.rowCount).toBe(1);
    const none = await connection.query('rename', 'UPDATE item SET name = $2 WHERE id = $1', [99, 'x']);
    expect(none.rowCount).toBe(0);
    await connection.end();
  });

  it('sends every kind of parameter intact: short ASCII, UTF-8, long, NULL, numbers', async () => {
    const connection = await PreparedConnection.connect(server.admin);
    const values = ['w1-2', 'Zoë €', 'y'.repeat(100), null, 42, 'ü'.repeat(40)];
    const echoed = await connection.query(
      'echo',
      'SELECT $1::text, $2::text, $3::text, $4::text, $5::int, $6::text',
      values,
    );
    expect(echoed.rows).toEqual([['w1-2', 'Zoë €', 'y'.repeat(100), null, '42', 'ü'.repeat(40)]]);
    await connection.end();
  });

  it('reassembles messages split across reads (a row larger than the read buffer, many rows)', async () => {
    const connection = await PreparedConnection.connect(server.admin);
    const big = await connection.query('big', "SELECT repeat('x', $1::int), 'ü'", [200_000]);
    expect(big.rows[0]![0]).toHaveLength(200_000);
    expect(big.rows[0]![1]).toBe('ü');
    const many = await connection.query(
      'many',
      'SELECT g, g * 2 FROM generate_series(1, $1::int) g',
      [20_000],
    );
    expect(many.rowCount).toBe(20_000);
    expect(many.rows[19_999]).toEqual(['20000', '40000']);
    await connection.end();
  });

  it("sends the parameter count of each call, so a wrong one is the server's own error", async () => {
    const connection = await PreparedConnection.connect(server.admin);
    const sql = 'SELECT $1::text || $2::text';
    expect((await connection.query('pair', sql, ['a', 'b'])).rows).toEqual([['ab']]);
    const error = await connection.query('pair', sql, ['a']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '08P01', message: expect.stringMatching(/supplies 1 parameters/) });
    expect((await connection.query('pair', sql, ['c', 'd'])).rows).toEqual([['cd']]);
    await connection.end();
  });

  it('rejects a SQL error as a definite failure and stays usable', async () => {
    const connection = await PreparedConnection.connect(server.admin);
    const error = await connection
      .query('insert', 'INSERT INTO item VALUES ($1, $2)', [1, 'dup'])
      .catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('23505');
    expect(classifyError(error)).toBe('fail');
    expect((await connection.query('count', 'SELECT count(*) FROM item', [])).rows).toEqual([['2']]);
    await connection.end();
  });

  it('parses a statement again after the server refused to parse it', async () => {
    const connection = await PreparedConnection.connect(server.admin);
    const sql = 'SELECT count(*) FROM created_later';
    const error = await connection.query('later', sql, []).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '42P01' }); // no such table: the statement was not parsed
    await adminQuery(server.admin, ['CREATE TABLE created_later (id INT)']);
    expect((await connection.query('later', sql, [])).rows).toEqual([['0']]);
    // An error after a successful parse keeps the statement: it is only bound again.
    const insert = 'INSERT INTO created_later VALUES ($1::int)';
    expect(await connection.query('add', insert, ['x']).catch((e: unknown) => e)).toMatchObject({
      code: '22P02',
    });
    expect((await connection.query('add', insert, [1])).rowCount).toBe(1);
    await connection.end();
  });

  it('refuses a wrong password', async () => {
    const error = await PreparedConnection.connect({ ...server.admin, password: 'wrong' }).catch(
      (e: unknown) => e,
    );
    expect((error as { code: string }).code).toBe('28P01');
  });

  it('turns a terminated backend into an unknown outcome for the call in flight', async () => {
    const connection = await PreparedConnection.connect(server.admin);
    const pid = (await connection.query('pid', 'SELECT pg_backend_pid()', [])).rows[0]![0];
    expect(connection.processID).toBe(Number(pid)); // known from the greeting, without a query
    const inFlight = connection.query('sleep', 'SELECT pg_sleep(5)', []).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    await adminQuery(server.admin, [`SELECT pg_terminate_backend(${pid})`]);
    const error = await inFlight;
    expect(classifyError(error)).toBe('info');
    const after = await connection.query('count', 'SELECT 1', []).catch((e: unknown) => e);
    expect(after).toMatchObject({ notSent: true, message: expect.stringMatching(/^connection closed: /) });
    expect(classifyError(after)).toBe('fail'); // never sent: the connection is known to be closed
    await connection.end(); // resolves at once on a lost connection
  });
});
