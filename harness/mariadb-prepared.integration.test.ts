/**
 * The lean MariaDB connection on a real MariaDB: binary rows of each type,
 * write counts, errors that leave the connection usable, authentication,
 * packets split across reads, and a killed session.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConnectionInfo, DatabaseServer } from './core/database.ts';
import { classifyError } from './core/outcomes.ts';
import { isRetryable } from './core/retry.ts';
import { MariaDbPreparedConnection, nativePasswordToken } from './mariadb-prepared.ts';
import { adminQuery } from './providers/db.ts';
import { startMariaDbProcess } from './providers/mariadb-process.ts';
import { describeWith, mariadbComponent } from './testing/components.ts';

describeWith([await mariadbComponent()], 'MariaDbPreparedConnection', () => {
  let server: DatabaseServer;
  let database: ConnectionInfo;
  beforeAll(async () => {
    server = await startMariaDbProcess();
    await adminQuery(server.admin, ['CREATE DATABASE lean CHARACTER SET utf8mb4']);
    database = { ...server.admin, database: 'lean' };
    await adminQuery(database, [
      `CREATE TABLE item (
        id INT PRIMARY KEY AUTO_INCREMENT, name TEXT, email VARCHAR(100) UNIQUE,
        small TINYINT UNSIGNED, big BIGINT, price DOUBLE, cost DECIMAL(10,2), born DATE, seen DATETIME(6)
      )`,
      `INSERT INTO item (name, email, small, big, price, cost, born, seen) VALUES
        ('one', 'one@example.com', 200, 9007199254740993, 1.5, 12.34, '2024-02-29', '2024-02-29 13:14:15.123456'),
        (NULL, 'two@example.com', NULL, -5, NULL, NULL, NULL, NULL)`,
    ]);
  });
  afterAll(() => server.stop());

  it('returns binary rows as numbers and text, NULL as null, with column names', async () => {
    const connection = await MariaDbPreparedConnection.connect(database);
    const read = await connection.execute(
      'SELECT id, name, small, big, price, cost, born, seen FROM item WHERE id >= ? ORDER BY id',
      [1],
    );
    expect(read.columns).toEqual(['id', 'name', 'small', 'big', 'price', 'cost', 'born', 'seen']);
    expect(read.rows).toEqual([
      [1, 'one', 200, '9007199254740993', 1.5, '12.34', '2024-02-29', '2024-02-29 13:14:15.123456'],
      [2, null, null, -5, null, null, null, null],
    ]);
    await connection.end();
  });

  it('binds every parameter type, hostile strings included, and reports affected rows and ids', async () => {
    const connection = await MariaDbPreparedConnection.connect(database);
    const hostile = `Robert'); DROP TABLE item; -- \\ "ü" 🦀`;
    const inserted = await connection.execute(
      'INSERT INTO item (name, email, small, big, price) VALUES (?, ?, ?, ?, ?)',
      [hostile, 'three@example.com', true, 12345678901234n, 2.25],
    );
    expect(inserted.affectedRows).toBe(1);
    expect(inserted.insertId).toBe(3);
    const back = await connection.execute('SELECT name, small, big, price FROM item WHERE id = ?', [3]);
    expect(back.rows).toEqual([[hostile, 1, 12345678901234, 2.25]]);
    const none = await connection.execute('UPDATE item SET name = ? WHERE id = ?', [null, 99]);
    expect(none.affectedRows).toBe(0);
    // The article's upsert shape: RETURNING gives the row.
    const upserted = await connection.execute(
      'INSERT INTO item (name, email) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = ? RETURNING id, name',
      ['x', 'three@example.com', 'renamed'],
    );
    expect(upserted.columns).toEqual(['id', 'name']);
    expect(upserted.rows).toEqual([[3, 'renamed']]);
    // Again: the columns learnt from the first execution are the ones reported.
    const again = await connection.execute(
      'INSERT INTO item (name, email) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = ? RETURNING id, name',
      ['x', 'three@example.com', 'again'],
    );
    expect(again.columns).toEqual(['id', 'name']);
    expect(again.columns).toBe(upserted.columns); // the same array: not decoded a second time
    expect(again.rows).toEqual([[3, 'again']]);
    await connection.end();
  });

  it('rejects a SQL error as a definite failure, with its errno, and stays usable', async () => {
    const connection = await MariaDbPreparedConnection.connect(database);
    const error = await connection
      .execute('INSERT INTO item (email) VALUES (?)', ['one@example.com'])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errno: 1062, sqlState: '23000' });
    expect(classifyError(error)).toBe('fail');
    expect(isRetryable(error)).toBe(false);
    const syntax = await connection.execute('SELEC nonsense', []).catch((e: unknown) => e);
    expect((syntax as { errno: number }).errno).toBe(1064);
    expect((await connection.execute('SELECT COUNT(*) FROM item', [])).rows).toEqual([[3]]);
    await connection.end();
  });

  it('prepares a statement again after the server refused to prepare it', async () => {
    const connection = await MariaDbPreparedConnection.connect(database);
    const sql = 'SELECT COUNT(*) AS n FROM created_later';
    const error = await connection.execute(sql, []).catch((e: unknown) => e);
    expect(error).toMatchObject({ errno: 1146 }); // no such table
    await adminQuery(database, ['CREATE TABLE created_later (id INT)']);
    expect((await connection.execute(sql, [])).rows).toEqual([[0]]);
    await connection.end();
  });

  it('reassembles packets split across reads (a row larger than the read buffer, many rows)', async () => {
    const connection = await MariaDbPreparedConnection.connect(database);
    const big = await connection.execute('SELECT REPEAT(?, ?)', ['x', 200_000]);
    expect((big.rows[0]![0] as string).length).toBe(200_000);
    const many = await connection.execute('SELECT seq, seq * 2 FROM seq_1_to_20000 WHERE seq >= ?', [1]);
    expect(many.rows).toHaveLength(20_000);
    expect(many.rows[19_999]).toEqual([20_000, 40_000]);
    await connection.end();
  });

  it('refuses a wrong password with the server’s access-denied error', async () => {
    const error = await MariaDbPreparedConnection.connect({ ...database, password: 'wrong' }).catch(
      (e: unknown) => e,
    );
    expect((error as { errno: number }).errno).toBe(1045);
  });

  it('computes the mysql_native_password token of the protocol documentation', () => {
    // SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))): 20 bytes, empty for an empty password.
    const scramble = Buffer.alloc(20, 1);
    expect(nativePasswordToken('secret', scramble)).toHaveLength(20);
    expect(nativePasswordToken('', scramble)).toHaveLength(0);
    expect(nativePasswordToken('secret', scramble)).not.toEqual(
      nativePasswordToken('secret', Buffer.alloc(20, 2)),
    );
  });

  it('turns a killed session into an unknown outcome for the call in flight', async () => {
    const connection = await MariaDbPreparedConnection.connect(database);
    expect(connection.threadId).toBe((await connection.execute('SELECT CONNECTION_ID()', [])).rows[0]![0]);
    const inFlight = connection.execute('SELECT SLEEP(?)', [5]).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    await adminQuery(server.admin, [`KILL ${connection.threadId}`]);
    const error = await inFlight;
    expect(classifyError(error)).toBe('info');
    expect(error).toMatchObject({ fatal: true });
    const after = await connection.execute('SELECT 1', []).catch((e: unknown) => e);
    expect(after).toMatchObject({ notSent: true, message: expect.stringMatching(/^connection closed: /) });
    expect(classifyError(after)).toBe('fail'); // never sent: the connection is known to be closed
    await connection.end(); // resolves at once on a lost connection
  });
});
