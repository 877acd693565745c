/** The upsert operation's reading of a result, with a client that returns what the test says. */
import { expect, it } from 'vitest';
import type { TargetContext } from '../../harness/core/target.ts';
import type { ExecuteResult, MariaDbPreparedConnection } from '../../harness/mariadb-prepared.ts';
import { mariadbUpsert } from './index.ts';

const clientReturning = (result: ExecuteResult) =>
  ({ execute: async () => result }) as unknown as MariaDbPreparedConnection;
const args = { email: 'a@example.com', uuid: 'u-1', firstName: 'Antonio', lastName: 'Alexander' };
const ctx = { variant: 'correct' } as TargetContext;

it('records the row RETURNING gave: its uuid, its version, and whether this call inserted', async () => {
  const returned = { columns: ['uuid', 'version'], rows: [['u-0', 2]], affectedRows: 2, insertId: 0 };
  expect(await mariadbUpsert.operations.create!(clientReturning(returned), args, ctx)).toEqual({
    outcome: 'ok',
    value: { uuid: 'u-0', version: 2, inserted: false },
  });
});

it('is not an ok when no row came back: there would be nothing to judge', async () => {
  const empty = { columns: ['uuid', 'version'], rows: [], affectedRows: 0, insertId: 0 };
  await expect(mariadbUpsert.operations.create!(clientReturning(empty), args, ctx)).rejects.toThrow(
    /upsert returned no row/,
  );
});
