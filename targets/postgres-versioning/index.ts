/**
 * The article's second problem: concurrent mutations of one object. Every
 * mutation reads the row, then updates it only if the version it read is
 * still current (`WHERE id = $1 AND version = $2`); 0 rows means another
 * mutation got there first, a conflict the caller sees as a failure.
 *
 * Broken variant `blind-update`: the update ignores the version it read
 * (`WHERE id = $1`), so concurrent mutations silently overwrite each other.
 */

import { linearizable } from '../../harness/checkers/linearizable/checker.ts';
import { keyValue, versionedRegister } from '../../harness/checkers/linearizable/models.ts';
import {
  INITIAL_TOKEN,
  type MutateArgs,
  noLostUpdate,
  type VersionedRow,
} from '../../harness/checkers/lost-update.ts';
import { defineTarget, fail, ok } from '../../harness/core/target.ts';
import { adminQuery, connectPostgres, type PostgresClient } from '../../harness/providers/db.ts';

// The article's employee table, in Postgres types.
export const EMPLOYEE_TABLE = `CREATE TABLE IF NOT EXISTS employee (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    first_name TEXT,
    last_name TEXT,
    email_address TEXT NOT NULL UNIQUE,
    version INT NOT NULL DEFAULT 1
)`;

// Named statements: pg prepares each once per connection, then only binds and executes it.
export const READ = { name: 'employee-read', text: 'SELECT version, first_name FROM employee WHERE id = $1' };
export const VERSIONED_UPDATE = {
  name: 'employee-versioned-update',
  text: 'UPDATE employee SET first_name = $3, version = version + 1 WHERE id = $1 AND version = $2 RETURNING version',
};
const BLIND_UPDATE = {
  name: 'employee-blind-update',
  text: 'UPDATE employee SET first_name = $2, version = version + 1 WHERE id = $1 RETURNING version',
};

/** Row id of workload key k (rows are seeded with ids 1..keys). */
export const idOfKey = (key: number) => key + 1;

/** Seed one row per key, each at version 1 carrying the initial token in first_name. */
export function seedRows(keys: number): string {
  return `INSERT INTO employee (id, uuid, first_name, last_name, email_address)
    SELECT g, 'employee-' || g, '${INITIAL_TOKEN}', 'Alexander', 'employee' || g || '@example.com'
    FROM generate_series(1, ${Math.max(1, Math.floor(keys))}) AS g`;
}

export const postgresVersioning = defineTarget<PostgresClient, VersionedRow[]>({
  name: 'postgres-versioning',
  description:
    'Postgres optimistic locking with a version column (read, then UPDATE ... WHERE id AND version)',
  database: 'postgres',
  variants: {
    correct: {
      description: 'update only if the version read is still current; 0 rows = conflict',
      broken: false,
    },
    'blind-update': { description: 'update by id alone, ignoring the version read', broken: true },
  },
  async setup(ctx) {
    await adminQuery(ctx.database, [EMPLOYEE_TABLE, seedRows(ctx.keys)]);
  },
  connect: (ctx) => connectPostgres(ctx.database),
  disconnect: (client) => client.end(),
  operations: {
    async mutate(client, args: MutateArgs, ctx) {
      const id = idOfKey(args.key);
      const read = await client.query<[number, string]>({ ...READ, values: [id], rowMode: 'array' });
      const [version, firstName] = read.rows[0] ?? [];
      if (version === undefined) return fail(`no employee with id ${id}`);
      const readVersion = Number(version);
      const updated =
        ctx.variant === 'correct'
          ? await client.query<[number]>({
              ...VERSIONED_UPDATE,
              values: [id, readVersion, args.token],
              rowMode: 'array',
            })
          : await client.query<[number]>({ ...BLIND_UPDATE, values: [id, args.token], rowMode: 'array' });
      if (updated.rowCount === 0) {
        return fail('no rows affected, version mismatch or non-existent employee', { readVersion });
      }
      return ok({ readVersion, readToken: firstName, wroteVersion: Number(updated.rows[0]![0]) });
    },
  },
  plan: ({ worker, index, chooseKey }) => ({
    op: 'mutate',
    args: { key: chooseKey(), token: `w${worker}-${index}` },
  }),
  async finalState(ctx) {
    const client = await connectPostgres(ctx.database);
    try {
      const result = await client.query(
        'SELECT id - 1 AS key, version, first_name AS token FROM employee ORDER BY id',
      );
      return result.rows.map((r) => ({ key: Number(r.key), version: r.version, token: r.token }));
    } finally {
      await client.end();
    }
  },
  checkers: [
    noLostUpdate(),
    // The same property, judged by a general checker: each row a versioned register, each acknowledged
    // mutation an update at the version it read, each final row a read after everything.
    linearizable({
      model: keyValue(versionedRegister({ value: INITIAL_TOKEN, version: 1 })),
      input: (operation) => {
        if (operation.op !== 'mutate') return undefined;
        const { key, token } = operation.args as MutateArgs;
        const read = operation.value as { readVersion?: number } | undefined;
        return { f: 'update' as const, key, value: token, expectedVersion: read?.readVersion ?? null };
      },
      output: () => ({ updated: true }),
      finalReads: (rows: VersionedRow[]) =>
        rows.map((row) => ({
          input: { f: 'read' as const, key: row.key },
          output: { value: row.token, version: row.version },
        })),
    }),
  ],
});
