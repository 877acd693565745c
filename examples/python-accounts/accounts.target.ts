/**
 * A service nobody here wrote, in Python over SQLite (service.py beside this
 * file), as a user points the harness at their own system: the harness starts
 * it, so crash, pause and network faults reach it, and an exported checker
 * judges it. The variants are the service's two modes, switched by an
 * environment variable.
 */
import { join } from 'node:path';
import { defineHttpTarget, fail, noLostUpdate, ok } from '../../harness/index.ts';

interface Deposit {
  account: string;
  amount: number;
}
interface Deposited {
  readVersion: number;
  wroteVersion: number;
}
interface Account {
  id: string;
  balance: number;
  version: number;
}

const accountOf = (key: number) => `acct-${key}`;

export const pythonAccounts = defineHttpTarget({
  name: 'python-accounts',
  description: 'deposits to accounts of a Python service over SQLite',
  service: {
    command: 'python3',
    args: [join(import.meta.dirname, 'service.py')],
    env: (variant) => ({
      UPDATE_MODE: variant === 'compare-and-set' ? 'compare-and-set' : 'read-modify-write',
    }),
  },
  variants: {
    'compare-and-set': {
      description: 'a deposit writes only if the version it read is current',
      broken: false,
    },
    'read-modify-write': { description: 'a deposit writes its balance back blindly', broken: true },
  },
  async setup(http, ctx) {
    for (let key = 0; key < ctx.keys; key++) await http.put(`/accounts/${accountOf(key)}`);
  },
  operations: {
    async deposit(http, args: Deposit) {
      const response = await http.post(`/accounts/${args.account}/deposit`, { amount: args.amount });
      if (response.status === 200) return ok(response.body as Deposited);
      if (response.status === 409) return fail('version conflict');
      throw new Error(`deposit answered ${response.status}`); // unknown outcome: recorded as info
    },
  },
  plan: ({ chooseKey, rng }) => ({
    op: 'deposit',
    args: { account: accountOf(chooseKey()), amount: 1 + rng.int(100) },
  }),
  finalState: async (http) => (await http.get('/accounts')).body as Account[],
  checkers: [
    noLostUpdate<Account>({
      op: 'deposit',
      key: (o) => (o.args as Deposit).account,
      rowKey: (account) => account.id,
      tokens: false,
    }),
  ],
});
