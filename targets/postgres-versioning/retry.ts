/**
 * The patterns document's advice for optimistic locking: on a version
 * conflict, retry with exponential backoff. Each `amend` reads the row, adds
 * its token to what it read (`first_name || ' ' || token`, a value computed
 * from the read) and writes it only if the version is still the one read.
 *
 * Correct variant `retry-with-backoff`: on a conflict it re-reads the row,
 * recomputes the value and tries again, with backoff and jitter. Broken
 * variant `retry-stale-value`: it re-reads only the version and writes the
 * value it computed from its first read. The version check passes, and the
 * amend it raced with is silently lost: the lost update the version column
 * was there to stop.
 */
import { type Checker, type Violation, verdictOf } from '../../harness/core/check.ts';
import { DEFAULT_RETRY, withRetry } from '../../harness/core/retry.ts';
import { defineTarget, fail, ok } from '../../harness/core/target.ts';
import { adminQuery, connectPostgres, type PostgresClient } from '../../harness/providers/db.ts';
import { EMPLOYEE_TABLE, idOfKey, seedRows } from './index.ts';

interface AmendArgs {
  key: number;
  token: string;
}

interface Amended {
  attempts: number;
}

/** Each row's key and its tokens, in the order they were added. */
type Rows = { key: number; tokens: string[] }[];

/** A version conflict: 0 rows updated. Safe to retry, as nothing was written. */
class VersionConflict extends Error {}

const READ = 'SELECT version, first_name FROM employee WHERE id = $1';
const UPDATE = 'UPDATE employee SET first_name = $3, version = version + 1 WHERE id = $1 AND version = $2';

/** Every acknowledged amend's token is in its row, once: none was lost, none applied twice. */
const everyAmendKept: Checker<Rows> = {
  name: 'every-amend-kept',
  description: "each acknowledged amend's token is in its row exactly once",
  check({ operations, finalState }) {
    const amends = operations.filter((o) => o.op === 'amend');
    const tokensOf = new Map(finalState.map((row) => [row.key, row.tokens]));
    const violations: Violation[] = [];
    for (const o of amends) {
      if (o.outcome !== 'ok') continue;
      const { key, token } = o.args as AmendArgs;
      const times = (tokensOf.get(key) ?? []).filter((t) => t === token).length;
      if (times !== 1)
        violations.push({
          invariant: 'every-amend-kept',
          message: `amend ${token} of row ${key} was acknowledged, but the row holds its token ${times} times: ${times === 0 ? 'a lost update' : 'applied more than once'}`,
          operations: [o.id],
        });
    }
    const result = verdictOf('every-amend-kept', violations);
    // What the report shows of the retries: how many amends met a conflict, and how many tries it took.
    const retried = amends.filter((o) => ((o.value as Amended | undefined)?.attempts ?? 1) > 1);
    result.metrics = {
      amends: amends.length,
      'amends that met a conflict': retried.length + amends.filter((o) => o.outcome === 'fail').length,
      retries: amends.reduce((n, o) => n + ((o.value as Amended | undefined)?.attempts ?? 1) - 1, 0),
    };
    return result;
  },
};

async function readRow(client: PostgresClient, id: number): Promise<{ version: number; name: string }> {
  const read = await client.query(READ, [id]);
  const row = read.rows[0];
  if (!row) throw new Error(`no employee with id ${id}`);
  return { version: Number(row.version), name: String(row.first_name) };
}

export const postgresVersioningRetry = defineTarget<PostgresClient, Rows>({
  name: 'postgres-versioning-retry',
  description: 'optimistic locking whose conflicts are retried with exponential backoff and jitter',
  database: 'postgres',
  variants: {
    'retry-with-backoff': {
      description: 'on a conflict, re-read the row, recompute the value and try again with backoff',
      broken: false,
    },
    'retry-stale-value': {
      description: 'on a conflict, re-read only the version and write the value computed from the first read',
      broken: true,
    },
  },
  async setup(ctx) {
    await adminQuery(ctx.database, [EMPLOYEE_TABLE, seedRows(ctx.keys)]);
    // Tokens are added to first_name; start every row empty.
    await adminQuery(ctx.database, ["UPDATE employee SET first_name = ''"]);
  },
  connect: (ctx) => connectPostgres(ctx.database),
  disconnect: (client) => client.end(),
  operations: {
    async amend(client, { key, token }: AmendArgs, ctx) {
      const id = idOfKey(key);
      const amended = (name: string) => (name === '' ? token : `${name} ${token}`);
      try {
        if (ctx.variant === 'retry-with-backoff') {
          const { attempts } = await withRetry(
            async () => {
              const row = await readRow(client, id);
              const updated = await client.query(UPDATE, [id, row.version, amended(row.name)]);
              if (updated.rowCount === 0) throw new VersionConflict('version changed since the read');
            },
            DEFAULT_RETRY,
            undefined,
            (error) => error instanceof VersionConflict,
          );
          return ok<Amended>({ attempts });
        }
        const first = await readRow(client, id);
        const value = amended(first.name);
        let version = first.version;
        for (let attempt = 1; attempt <= DEFAULT_RETRY.attempts; attempt++) {
          const updated = await client.query(UPDATE, [id, version, value]);
          if (updated.rowCount === 1) return ok<Amended>({ attempts: attempt });
          version = (await readRow(client, id)).version; // the bug: the value is not recomputed
        }
        throw new VersionConflict('version changed since the read');
      } catch (error) {
        if (error instanceof VersionConflict)
          return fail(`conflict after ${DEFAULT_RETRY.attempts} tries: ${error.message}`);
        throw error;
      }
    },
  },
  plan: ({ worker, index, chooseKey }) => ({
    op: 'amend',
    args: { key: chooseKey(), token: `w${worker}-${index}` },
  }),
  async finalState(ctx) {
    const client = await connectPostgres(ctx.database);
    try {
      const result = await client.query('SELECT id - 1 AS key, first_name FROM employee ORDER BY id');
      return result.rows.map((r) => ({
        key: Number(r.key),
        tokens: String(r.first_name ?? '')
          .split(' ')
          .filter(Boolean),
      }));
    } finally {
      await client.end();
    }
  },
  checkers: [everyAmendKept],
});
