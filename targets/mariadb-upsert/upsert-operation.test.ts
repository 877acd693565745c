/** The upsert operation's reading of a result, with a client that returns what the test says. */
import { expect, it } from 'vitest';
import type { OperationContext } from '../../harness/core/target.ts';
import type { MariaDbConnection } from '../../harness/providers/db.ts';
import { mariadbUpsert } from './index.ts';

/** A stand-in for mysql2's connection whose `execute` resolves to [rows, fields] as mysql2's does. */
const clientReturning = (rows: Record<string, unknown>[]) =>
  ({ execute: async () => [rows, []] }) as unknown as MariaDbConnection;
const args = { email: 'a@example.com', uuid: 'u-1', firstName: 'Antonio', lastName: 'Alexander' };
const ctx = { variant: 'correct', env: undefined } as OperationContext<void>;

it('records the row RETURNING gave: its uuid, its version, and whether this call inserted', async () => {
  expect(
    await mariadbUpsert.operations.create!(clientReturning([{ uuid: 'u-0', version: 2 }]), args, ctx),
  ).toEqual({
    outcome: 'ok',
    value: { uuid: 'u-0', version: 2, inserted: false },
  });
});

it('is not an ok when no row came back: there would be nothing to judge', async () => {
  await expect(mariadbUpsert.operations.create!(clientReturning([]), args, ctx)).rejects.toThrow(
    /upsert returned no row/,
  );
});
