/**
 * The article's first problem: creating the "same" employee concurrently.
 * The employee table has two separate unique keys (uuid, email_address), and
 * a create is an upsert on them, so a second create of an email keeps the
 * first uuid and bumps the version.
 *
 * Broken variant `select-then-insert`: no unique keys, and the create checks
 * for the email before inserting; two concurrent creates both see nothing and
 * both insert.
 */
import type { EmployeeRow } from '../../harness/checkers/unique-alternate-key.ts';
import { uniqueAlternateKey } from '../../harness/checkers/unique-alternate-key.ts';
import { withRetry } from '../../harness/core/retry.ts';
import { defineTarget, ok } from '../../harness/core/target.ts';
import { adminQuery, connectMariaDb, type MariaDbConnection } from '../../harness/providers/db.ts';
import { withoutClause } from '../shared/mutant-sql.ts';

// The article's schema, verbatim; the broken variant drops the two UNIQUE lines.
export const EMPLOYEE_TABLE = `CREATE TABLE IF NOT EXISTS employee (
    id BIGINT NOT NULL AUTO_INCREMENT,
    uuid TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    email_address TEXT NOT NULL,
    version INT NOT NULL DEFAULT 1,

    PRIMARY KEY (id),
    UNIQUE(uuid),
    UNIQUE(email_address)
) ENGINE = InnoDB`;

const EMPLOYEE_TABLE_WITHOUT_UNIQUE_KEYS = withoutClause(
  EMPLOYEE_TABLE,
  ',\n    UNIQUE(uuid),\n    UNIQUE(email_address)',
  'select-then-insert',
);

// The upsert from the article's companion code.
export const UPSERT = `INSERT INTO employee (uuid, first_name, last_name, email_address)
    VALUES (?, ?, ?, ?)
    ON DUPLICATE KEY UPDATE first_name=?, last_name=?, version=version+1
    RETURNING uuid, first_name, last_name, email_address, version`;

export interface CreateEmployee {
  email: string;
  uuid: string;
  firstName: string;
  lastName: string;
}

type Row = Record<string, unknown>;

/** Rows of a mysql2 `execute` (a result set; RETURNING gives one for the upsert too). */
async function rowsOf(
  connection: MariaDbConnection,
  sql: string,
  values: (string | number)[],
): Promise<Row[]> {
  const [result] = await connection.execute(sql, values);
  return Array.isArray(result) ? (result as Row[]) : [];
}

export function emailForKey(key: number): string {
  return `employee${key}@example.com`;
}

export const mariadbUpsert = defineTarget<MariaDbConnection, EmployeeRow[]>({
  name: 'mariadb-upsert',
  description: 'MariaDB upsert on an alternate key (INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING)',
  database: 'mariadb',
  variants: {
    correct: {
      description: "unique keys on uuid and email_address; create is the article's upsert",
      broken: false,
    },
    'select-then-insert': {
      description: 'no unique keys; create selects by email and inserts if absent',
      broken: true,
    },
  },
  async setup(ctx) {
    await adminQuery(ctx.database, [
      ctx.variant === 'correct' ? EMPLOYEE_TABLE : EMPLOYEE_TABLE_WITHOUT_UNIQUE_KEYS,
    ]);
  },
  connect: (ctx) => connectMariaDb(ctx.database),
  disconnect: (connection) => connection.end(),
  operations: {
    async create(connection, args: CreateEmployee, ctx) {
      const { uuid, firstName, lastName, email } = args;
      if (ctx.variant === 'correct') {
        // Two upserts of one email can deadlock on the unique index; InnoDB rolls one back, so retry it.
        // `execute`: a prepared statement, parsed by the server once per connection, not per call.
        const { value: rows } = await withRetry(() =>
          rowsOf(connection, UPSERT, [uuid, firstName, lastName, email, firstName, lastName]),
        );
        // RETURNING always gives the row; without it there is nothing to judge, so it is not an ok.
        const row = rows[0];
        if (!row) throw new Error('upsert returned no row');
        const version = Number(row.version);
        // The upsert bumps the version on every update, so version 1 means this call inserted.
        return ok({ uuid: row.uuid, version, inserted: version === 1 });
      }
      const found = await rowsOf(connection, 'SELECT uuid FROM employee WHERE email_address = ? LIMIT 1', [
        email,
      ]);
      const existingUuid = found[0]?.uuid as string | undefined;
      if (existingUuid) {
        await connection.execute(
          'UPDATE employee SET first_name = ?, last_name = ?, version = version + 1 WHERE uuid = ?',
          [firstName, lastName, existingUuid],
        );
        const after = await rowsOf(connection, 'SELECT version FROM employee WHERE uuid = ?', [existingUuid]);
        return ok({ uuid: existingUuid, version: Number(after[0]?.version ?? 0), inserted: false });
      }
      await connection.execute(
        'INSERT INTO employee (uuid, first_name, last_name, email_address) VALUES (?, ?, ?, ?)',
        [uuid, firstName, lastName, email],
      );
      return ok({ uuid, version: 1, inserted: true });
    },
  },
  // Every worker walks the same list of emails in the same order, so each email
  // is created by all workers at nearly the same moment: the race the article is about.
  plan: ({ rng, index, keyCount }) => ({
    op: 'create',
    args: {
      email: emailForKey(index % keyCount),
      uuid: rng.uuid(),
      firstName: 'Antonio',
      lastName: 'Alexander',
    },
  }),
  async finalState(ctx) {
    const connection = await connectMariaDb(ctx.database);
    try {
      const [rows] = await connection.query('SELECT uuid, email_address AS email, version FROM employee');
      return rows as EmployeeRow[];
    } finally {
      await connection.end();
    }
  },
  checkers: [uniqueAlternateKey()],
});
