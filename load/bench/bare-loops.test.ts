/**
 * The bare loops send exactly what the targets send: the same statements,
 * names, values and row mode, checked against the targets' own operations
 * with stand-in clients that record every call.
 */
import { describe, expect, it } from 'vitest';
import type { OperationContext } from '../../harness/core/target.ts';
import type { MariaDbConnection, PostgresClient } from '../../harness/providers/db.ts';
import { mariadbUpsert } from '../../targets/mariadb-upsert/index.ts';
import { postgresVersioning } from '../../targets/postgres-versioning/index.ts';
import { upsert, versionedUpdate } from './bare-loops.ts';

const ctx = { variant: 'correct', env: undefined } as OperationContext<void>;

/** A stand-in for pg's client: records each query config, answers a read with version 3, an update with 4. */
function recordingPgClient() {
  const calls: unknown[] = [];
  const client = {
    query: async (config: { name: string }) => {
      calls.push(config);
      return config.name === 'employee-read'
        ? { rows: [[3, 'token']], rowCount: 1 }
        : { rows: [[4]], rowCount: 1 };
    },
  } as unknown as PostgresClient;
  return { client, calls };
}

/** A stand-in for mysql2's connection: records each `execute`, answers with one row as RETURNING does. */
function recordingMariaDbConnection() {
  const calls: unknown[][] = [];
  const connection = {
    execute: async (...args: unknown[]) => {
      calls.push(args);
      return [[{ uuid: 'u-1', version: 1 }], []];
    },
  } as unknown as MariaDbConnection;
  return { connection, calls };
}

describe('bare loops', () => {
  it("run postgres-versioning's correct mutate: the same named statements, values and row mode", async () => {
    const target = recordingPgClient();
    await postgresVersioning.operations.mutate!(target.client, { key: 6, token: 'w1-2' }, ctx);
    const bare = recordingPgClient();
    await versionedUpdate(bare.client, 7, 'w1-2'); // row id 7 is key 6
    expect(bare.calls).toEqual(target.calls);
    expect(bare.calls).toHaveLength(2);
  });

  it("run mariadb-upsert's correct create: the same statement through execute, the same values", async () => {
    const target = recordingMariaDbConnection();
    const args = { email: 'employee5@example.com', uuid: 'u-1', firstName: 'Antonio', lastName: 'Alexander' };
    await mariadbUpsert.operations.create!(target.connection, args, ctx);
    const bare = recordingMariaDbConnection();
    await upsert(bare.connection, 'employee5@example.com', 'u-1');
    expect(bare.calls).toEqual(target.calls);
    expect(bare.calls).toHaveLength(1);
  });

  it('fail loudly on an answer the target would not accept', async () => {
    const empty = { query: async () => ({ rows: [], rowCount: 0 }) } as unknown as PostgresClient;
    await expect(versionedUpdate(empty, 1, 't')).rejects.toThrow(/no employee with id 1/);
    const none = { execute: async () => [[], []] } as unknown as MariaDbConnection;
    await expect(upsert(none, 'e', 'u')).rejects.toThrow(/returned no row/);
  });
});
