import { describe, expect, it } from 'vitest';
import { independent } from './independence.ts';
import { describeCall, listedSchedule } from './interleaving-scheduler.ts';

describe('statement independence', () => {
  it('opening a transaction commutes with anything; taking a snapshot at once does not', () => {
    expect(independent('BEGIN', 'UPDATE t SET n = n + 1 WHERE id = $1')).toBe(true);
    expect(independent('DELETE FROM t', 'START TRANSACTION')).toBe(true);
    expect(independent('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'INSERT INTO t VALUES (1)')).toBe(
      true,
    );
    expect(independent('START TRANSACTION WITH CONSISTENT SNAPSHOT', 'UPDATE t SET n = 1')).toBe(false);
  });

  it('two plain reads commute; a read and a write, or a locking read, do not', () => {
    expect(independent('SELECT version FROM employee WHERE id = $1', 'SELECT count(*) FROM t')).toBe(true);
    expect(independent('select 1', 'WITH x AS (SELECT 1) SELECT * FROM x')).toBe(true);
    expect(independent('SELECT version FROM employee WHERE id = $1', 'UPDATE employee SET version = 2')).toBe(
      false,
    );
    expect(independent('SELECT * FROM t WHERE id = 1 FOR UPDATE', 'SELECT * FROM t')).toBe(false);
    expect(independent('SELECT * FROM t LOCK IN SHARE MODE', 'SELECT * FROM t')).toBe(false);
    expect(independent("SELECT nextval('s')", 'SELECT 1')).toBe(false);
    expect(independent('SELECT pg_advisory_lock(1)', 'SELECT 1')).toBe(false);
    expect(independent('WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'SELECT 1')).toBe(false);
    expect(independent('COMMIT', 'COMMIT')).toBe(false);
  });
});

describe('the statement a driver call sends', () => {
  it('reads the SQL and parameters from arguments or from a query object', () => {
    expect(describeCall(['SELECT  *\n FROM t WHERE id = ?', [1]])).toEqual({
      sql: 'SELECT * FROM t WHERE id = ?',
      params: [1],
    });
    expect(
      describeCall([{ name: 'read', text: 'SELECT 1 WHERE $1', values: [2], rowMode: 'array' }]),
    ).toEqual({
      sql: 'SELECT 1 WHERE $1',
      params: [2],
    });
    expect(describeCall([{ sql: 'SELECT ?', values: [3] }])).toEqual({ sql: 'SELECT ?', params: [3] });
  });
});

describe('a listed schedule', () => {
  it('takes the listed clients that have a statement waiting, then goes round robin', () => {
    const choose = listedSchedule([1, 5, 0], 2);
    const both = [
      { client: 0, sql: 'a' },
      { client: 1, sql: 'b' },
    ];
    expect(choose({ step: 0, parked: both })).toBe(1);
    // 5 is client 1 (mod 2), which is not parked now: skipped.
    expect(choose({ step: 1, parked: [both[0]!] })).toBe(0);
    expect(choose({ step: 2, parked: both })).toBe(0);
    expect(choose({ step: 3, parked: both })).toBe(1);
  });
});
