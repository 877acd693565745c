/**
 * The article's third problem: consistency between tables. A timer belongs to
 * an employee through a foreign key; timer creates race employee deletes.
 * With the key, a create for a deleted employee fails and an employee with
 * timers cannot be deleted.
 *
 * Broken variant `no-foreign-key`: the same tables and queries without the
 * FOREIGN KEY, so deletes leave orphan timers behind.
 */
import { noOrphans, type TimerState } from '../../harness/checkers/no-orphans.ts';
import { withRetry } from '../../harness/core/retry.ts';
import { defineTarget, fail, ok } from '../../harness/core/target.ts';
import { adminQuery, connectMariaDb, type MariaDbConnection } from '../../harness/providers/db.ts';
import { EMPLOYEE_TABLE } from '../mariadb-upsert/index.ts';
import { withoutClause } from '../shared/mutant-sql.ts';

// The article's timer table, verbatim; the broken variant drops the FOREIGN KEY line.
export const TIMER_TABLE = `CREATE TABLE IF NOT EXISTS timer (
    id BIGINT NOT NULL AUTO_INCREMENT,
    uuid TEXT(36) NOT NULL,
    start BIGINT NOT NULL,
    finish BIGINT DEFAULT 0,
    comment TEXT NOT NULL DEFAULT "",
    completed BOOLEAN NOT NULL DEFAULT FALSE,
    version INT NOT NULL DEFAULT 1,
    employee_id BIGINT NOT NULL,

    PRIMARY KEY (id),
    FOREIGN KEY (employee_id) REFERENCES employee(id),
    UNIQUE(uuid(36)),
    INDEX(id)
) ENGINE = InnoDB`;

const TIMER_TABLE_WITHOUT_FOREIGN_KEY = withoutClause(
  TIMER_TABLE,
  '\n    FOREIGN KEY (employee_id) REFERENCES employee(id),',
  'no-foreign-key',
);

// The timer upsert from the article, after looking the employee's id up by uuid.
const TIMER_UPSERT = `INSERT INTO timer (uuid, start, comment, employee_id)
    VALUES (?, ?, ?, ?)
    ON DUPLICATE KEY UPDATE
        comment=?, employee_id=?, version=version+1
    RETURNING
        uuid, start, comment, employee_id, version`;

/** Employees are seeded for keys 0..keys-1 with these uuids. */
export const employeeUuid = (key: number) => `00000000-0000-4000-8000-${String(key).padStart(12, '0')}`;
/** A uuid no employee ever has: the article's "timer with a non-existent employee id". */
export const missingEmployeeUuid = (key: number) =>
  `ffffffff-0000-4000-8000-${String(key).padStart(12, '0')}`;

/** Look the employee up by uuid, then upsert the timer, in one transaction; undefined if there is no such employee. */
async function createTimerOnce(
  connection: MariaDbConnection,
  args: { employeeUuid: string; timerUuid: string; start: number; comment: string },
): Promise<number | undefined> {
  await connection.query('BEGIN');
  try {
    const [found] = await connection.query('SELECT id FROM employee WHERE uuid = ?', [args.employeeUuid]);
    const employee = (found as { id: number }[])[0];
    if (!employee) {
      await connection.query('ROLLBACK');
      return undefined;
    }
    const { timerUuid, start, comment } = args;
    await connection.query(TIMER_UPSERT, [timerUuid, start, comment, employee.id, comment, employee.id]);
    await connection.query('COMMIT');
    return Number(employee.id);
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

const MISSING_EMPLOYEE_SHARE = 0.1;
const DELETE_SHARE = 0.15;

export const fkTimers = defineTarget<MariaDbConnection, TimerState>({
  name: 'fk-timers',
  description: 'MariaDB timer -> employee foreign key; timer creates race employee deletes',
  database: 'mariadb',
  variants: {
    correct: { description: 'timer.employee_id is a FOREIGN KEY to employee(id)', broken: false },
    'no-foreign-key': { description: 'the same tables without the foreign key', broken: true },
  },
  async setup(ctx) {
    const employees = Array.from(
      { length: ctx.keys },
      (_, k) => `('${employeeUuid(k)}', 'employee${k}@example.com')`,
    );
    await adminQuery(ctx.database, [
      EMPLOYEE_TABLE,
      ctx.variant === 'correct' ? TIMER_TABLE : TIMER_TABLE_WITHOUT_FOREIGN_KEY,
      `INSERT INTO employee (uuid, email_address) VALUES ${employees.join(', ')}`,
    ]);
  },
  connect: (ctx) => connectMariaDb(ctx.database),
  disconnect: (connection) => connection.end(),
  operations: {
    async createTimer(
      connection,
      args: { employeeUuid: string; timerUuid: string; start: number; comment: string },
    ) {
      // The whole transaction is retried if InnoDB picks it as a deadlock victim.
      const { value: employeeId } = await withRetry(() => createTimerOnce(connection, args));
      return employeeId === undefined
        ? fail('sql: no rows in result set (no such employee)')
        : ok({ employeeId });
    },
    async deleteEmployee(connection, args: { employeeUuid: string }) {
      const [rows] = await connection.query('DELETE FROM employee WHERE uuid = ? RETURNING id', [
        args.employeeUuid,
      ]);
      const deleted = (rows as { id: number }[])[0];
      return deleted ? ok({ employeeId: Number(deleted.id) }) : fail('no such employee');
    },
  },
  plan: ({ rng, chooseKey }) => {
    const key = chooseKey();
    if (rng.chance(DELETE_SHARE)) return { op: 'deleteEmployee', args: { employeeUuid: employeeUuid(key) } };
    const target = rng.chance(MISSING_EMPLOYEE_SHARE) ? missingEmployeeUuid(key) : employeeUuid(key);
    return {
      op: 'createTimer',
      args: {
        employeeUuid: target,
        timerUuid: rng.uuid(),
        start: 1645411339 + rng.int(1000),
        comment: 'This is a comment',
      },
    };
  },
  async finalState(ctx) {
    const connection = await connectMariaDb(ctx.database);
    try {
      const [timers] = await connection.query('SELECT uuid, employee_id AS employeeId FROM timer');
      const [employees] = await connection.query('SELECT id, uuid FROM employee');
      return {
        timers: (timers as { uuid: string; employeeId: number }[]).map((t) => ({
          uuid: t.uuid,
          employeeId: Number(t.employeeId),
        })),
        employees: (employees as { id: number; uuid: string }[]).map((e) => ({
          id: Number(e.id),
          uuid: e.uuid,
        })),
      };
    } finally {
      await connection.end();
    }
  },
  checkers: [noOrphans()],
});
