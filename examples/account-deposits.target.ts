/**
 * An example of a user's own target, defined outside the harness and listed
 * in chaos.config.ts. Accounts receive concurrent deposits; the correct
 * variant adds in the database (`balance = balance + $2`), the broken one
 * reads the balance and writes back read + amount (a lost update).
 */
import {
  adminQuery,
  type Checker,
  connectPostgres,
  defineTarget,
  ok,
  type PostgresClient,
  type Violation,
  verdictOf,
} from '../harness/index.ts';

interface Account {
  id: number;
  balance: number;
}

/** Final balance = sum of acknowledged deposits, plus at most those whose outcome is unknown. */
const balancesAddUp: Checker<Account[]> = {
  name: 'balances-add-up',
  description: 'every acknowledged deposit is in the balance',
  check({ operations, finalState }) {
    const violations: Violation[] = [];
    for (const account of finalState) {
      const deposits = operations.filter(
        (o) => o.op === 'deposit' && (o.args as { account: number }).account === account.id,
      );
      const sum = (outcome: string) =>
        deposits
          .filter((o) => o.outcome === outcome)
          .reduce((total, o) => total + (o.args as { amount: number }).amount, 0);
      const acknowledged = sum('ok');
      const unknown = sum('info');
      if (account.balance < acknowledged || account.balance > acknowledged + unknown) {
        violations.push({
          invariant: 'balance-equals-deposits',
          message: `account ${account.id} has ${account.balance}, but acknowledged deposits add up to ${acknowledged}`,
          operations: deposits
            .filter((o) => o.outcome === 'ok')
            .slice(0, 10)
            .map((o) => o.id),
        });
      }
    }
    return verdictOf('balances-add-up', violations);
  },
};

export default defineTarget<PostgresClient, Account[]>({
  name: 'account-deposits',
  description: 'concurrent deposits into Postgres accounts',
  database: 'postgres',
  variants: {
    correct: { description: 'UPDATE accounts SET balance = balance + $2', broken: false },
    'read-modify-write': { description: 'read the balance, write back read + amount', broken: true },
  },
  async setup(ctx) {
    await adminQuery(ctx.database, [
      'CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL DEFAULT 0)',
      `INSERT INTO accounts (id) SELECT g FROM generate_series(0, ${ctx.keys - 1}) AS g`,
    ]);
  },
  connect: (ctx) => connectPostgres(ctx.database),
  disconnect: (client) => client.end(),
  operations: {
    async deposit(client, args: { account: number; amount: number }, ctx) {
      if (ctx.variant === 'correct') {
        await client.query('UPDATE accounts SET balance = balance + $2 WHERE id = $1', [
          args.account,
          args.amount,
        ]);
        return ok();
      }
      const read = await client.query('SELECT balance FROM accounts WHERE id = $1', [args.account]);
      await client.query('UPDATE accounts SET balance = $2 WHERE id = $1', [
        args.account,
        Number(read.rows[0].balance) + args.amount,
      ]);
      return ok();
    },
  },
  plan: ({ rng, chooseKey }) => ({ op: 'deposit', args: { account: chooseKey(), amount: 1 + rng.int(100) } }),
  async finalState(ctx) {
    const client = await connectPostgres(ctx.database);
    try {
      const result = await client.query('SELECT id, balance FROM accounts ORDER BY id');
      return result.rows.map((r) => ({ id: r.id, balance: Number(r.balance) }));
    } finally {
      await client.end();
    }
  },
  checkers: [balancesAddUp],
});
