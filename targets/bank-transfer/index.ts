/**
 * Transfers between accounts in one MariaDB transaction (debit, then
 * credit). Transfers in opposite directions deadlock; InnoDB rolls the victim
 * back whole, and the correct variant retries the whole transaction with
 * backoff. The broken variant `retry-last-statement` replays only the
 * statement that hit the deadlock, outside any transaction: the rolled-back
 * debit is lost and money appears from nowhere.
 */
import { type Checker, verdictOf } from '../../harness/core/check.ts';
import { isRetryable, withRetry } from '../../harness/core/retry.ts';
import { defineTarget, ok } from '../../harness/core/target.ts';
import { adminQuery, connectMariaDb, type MariaDbConnection } from '../../harness/providers/db.ts';

export const INITIAL_BALANCE = 1000;

interface Transfer {
  from: number;
  to: number;
  amount: number;
}

interface Accounts {
  balances: number[];
}

/** Transfers move money, they never make or destroy it: the total stays what it was. */
const moneyConserved: Checker<Accounts> = {
  name: 'money-conserved',
  description: 'the sum of all balances never changes',
  check({ operations, finalState }) {
    const expected = finalState.balances.length * INITIAL_BALANCE;
    const total = finalState.balances.reduce((a, b) => a + b, 0);
    if (total === expected) return verdictOf('money-conserved', []);
    // The transfers that were retried are the ones to look at first.
    const suspects = operations.filter(
      (o) => o.op === 'transfer' && ((o.value as { attempts?: number })?.attempts ?? 1) > 1,
    );
    return verdictOf('money-conserved', [
      {
        invariant: 'money-conserved',
        message: `accounts hold ${total} in total, but transfers started from ${expected}: ${total - expected > 0 ? 'money was created' : 'money was destroyed'}; ${suspects.length} transfers were retried after a deadlock`,
        operations: suspects.slice(0, 20).map((o) => o.id),
      },
    ]);
  },
};

async function transferOnce(connection: MariaDbConnection, { from, to, amount }: Transfer): Promise<void> {
  await connection.query('BEGIN');
  try {
    await connection.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await connection.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** The bug: on a deadlock, run the failed statement again by itself and carry on. */
async function transferRetryingLastStatement(
  connection: MariaDbConnection,
  { from, to, amount }: Transfer,
): Promise<number> {
  let replays = 0;
  const statement = async (sql: string, values: unknown[]) => {
    try {
      await connection.query(sql, values);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      replays++;
      await connection.query(sql, values); // the transaction around it is already gone
    }
  };
  await connection.query('BEGIN');
  await statement('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await statement('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  await connection.query('COMMIT');
  return 1 + replays;
}

export const bankTransfer = defineTarget<MariaDbConnection, Accounts>({
  name: 'bank-transfer',
  description: 'MariaDB transfers (debit + credit in one transaction) retried on deadlock',
  database: 'mariadb',
  variants: {
    correct: {
      description: 'on deadlock, retry the whole transaction with exponential backoff and jitter',
      broken: false,
    },
    'retry-last-statement': {
      description: 'on deadlock, replay only the statement that failed',
      broken: true,
    },
  },
  async setup(ctx) {
    const rows = Array.from({ length: ctx.keys }, (_, id) => `(${id}, ${INITIAL_BALANCE})`).join(', ');
    await adminQuery(ctx.database, [
      'CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, balance BIGINT NOT NULL) ENGINE = InnoDB',
      `INSERT INTO accounts (id, balance) VALUES ${rows}`,
    ]);
  },
  connect: (ctx) => connectMariaDb(ctx.database),
  disconnect: (connection) => connection.end(),
  operations: {
    async transfer(connection, args: Transfer, ctx) {
      if (ctx.variant === 'correct') {
        const { attempts } = await withRetry(() => transferOnce(connection, args));
        return ok({ attempts });
      }
      return ok({ attempts: await transferRetryingLastStatement(connection, args) });
    },
  },
  plan: ({ rng, keyCount, chooseKey }) => {
    const from = chooseKey();
    const to = (from + 1 + rng.int(keyCount - 1)) % keyCount;
    return { op: 'transfer', args: { from, to, amount: 1 + rng.int(10) } };
  },
  async finalState(ctx) {
    const connection = await connectMariaDb(ctx.database);
    try {
      const [rows] = await connection.query('SELECT balance FROM accounts ORDER BY id');
      return { balances: (rows as { balance: number }[]).map((r) => Number(r.balance)) };
    } finally {
      await connection.end();
    }
  },
  checkers: [moneyConserved],
});
