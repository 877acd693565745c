/**
 * The scheduler on real servers: a statement waiting for a row lock is seen
 * as blocked from the database itself and the schedule moves on; a deadlock
 * is an outcome (the database's victim on MariaDB, the scheduler's
 * deterministic one on Postgres), not a hang or a crash.
 */
import { afterAll, expect, it } from 'vitest';
import { defineTarget, ok } from '../../harness/core/target.ts';
import {
  adminQuery,
  connectMariaDb,
  connectPostgres,
  type MariaDbConnection,
  type PostgresClient,
} from '../../harness/providers/db.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../../harness/testing/components.ts';
import { runScheduled } from './scheduled-run.ts';

const pool = new ServerPool({ preference: 'auto', urls: {} });
afterAll(() => pool.stopAll());

/** Update two rows in one transaction, in the order given: the textbook deadlock when two clients cross. */
function lockingTarget(kind: 'postgres' | 'mariadb') {
  return defineTarget<PostgresClient | MariaDbConnection, null>({
    name: `locks-${kind}`,
    description: 'two row updates in a transaction',
    database: kind,
    variants: { correct: { description: '', broken: false } },
    setup: (ctx) =>
      adminQuery(ctx.database, [
        kind === 'postgres'
          ? 'CREATE TABLE item (id INT PRIMARY KEY, n INT NOT NULL)'
          : 'CREATE TABLE item (id INT PRIMARY KEY, n INT NOT NULL) ENGINE = InnoDB',
        'INSERT INTO item VALUES (1, 0), (2, 0)',
      ]),
    connect: (ctx) => (kind === 'postgres' ? connectPostgres(ctx.database) : connectMariaDb(ctx.database)),
    disconnect: (c) => c.end(),
    operations: {
      async updateTwo(c, args: { first: number; second: number }) {
        const q = (sql: string) => (c as PostgresClient).query(sql);
        await q('BEGIN');
        try {
          await q(`UPDATE item SET n = n + 1 WHERE id = ${args.first}`);
          await q(`UPDATE item SET n = n + 1 WHERE id = ${args.second}`);
          await q('COMMIT');
        } catch (error) {
          await q('ROLLBACK').catch(() => {});
          throw error;
        }
        return ok();
      },
    },
    plan: () => ({ op: 'updateTwo', args: { first: 1, second: 2 } }),
    finalState: async () => null,
    checkers: [],
  });
}

function schedule(
  kind: 'postgres' | 'mariadb',
  programs: { first: number; second: number }[],
  order: number[],
  kills?: number[],
) {
  const run = {
    target: lockingTarget(kind),
    variant: 'correct',
    seed: 1,
    keys: 1,
    programs: programs.map((args) => [{ op: 'updateTwo', args }]),
    schedule: order,
    kills,
  };
  return runScheduled(run, pool, async (outcome) => outcome);
}

for (const kind of ['postgres', 'mariadb'] as const) {
  const component = kind === 'postgres' ? await postgresComponent() : await mariadbComponent();
  describeWith([component], `interleaving scheduler on ${kind}`, () => {
    it('sees a statement blocked on a row lock and lets the lock holder go on', async () => {
      // Client 0 updates row 1 and holds it; client 1's update of row 1 must wait until 0 commits.
      const { trace, operations } = await schedule(
        kind,
        [
          { first: 1, second: 2 },
          { first: 1, second: 2 },
        ],
        [0, 0, 1, 1, 0, 0, 1, 1],
      );
      const blocked = trace.filter((s) => s.result === 'blocked');
      expect(blocked).toEqual([
        expect.objectContaining({ client: 1, sql: 'UPDATE item SET n = n + 1 WHERE id = 1' }),
      ]);
      // After client 1 blocked, the schedule released client 0's statements, not client 1's.
      const index = trace.indexOf(blocked[0]!);
      expect(trace[index + 1]).toMatchObject({ client: 0 });
      expect(operations.map((o) => o.outcome)).toEqual(['ok', 'ok']);
    });

    it('kills a connection for real: the row lock it held is gone, so the other client does not wait', async () => {
      // Client 0 begins and locks row 1; its connection is killed before its next statement (step 3).
      // Were it only marked killed, its open transaction would keep the lock and client 1 would block.
      const { trace, operations } = await schedule(
        kind,
        [
          { first: 1, second: 2 },
          { first: 1, second: 2 },
        ],
        [0, 0, 1, 0, 1, 1, 1],
        [3],
      );
      expect(trace.filter((s) => s.result === 'blocked')).toEqual([]);
      expect(operations.map((o) => o.outcome)).toEqual(['fail', 'ok']);
    });

    it('turns a deadlock into an outcome: one client fails, the other commits, the same way each time', async () => {
      const crossing = [
        { first: 1, second: 2 },
        { first: 2, second: 1 },
      ];
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await schedule(kind, crossing, [0, 0, 1, 1, 0, 1]));
      const [first] = runs;
      const outcomes = first!.operations.map((o) => o.outcome).sort();
      expect(outcomes).toEqual(['fail', 'ok']);
      expect(first!.operations.find((o) => o.outcome === 'fail')!.error).toMatch(
        kind === 'postgres' ? /57014|cancel/i : /deadlock|1213/i,
      );
      for (const run of runs) expect(JSON.stringify(run)).toBe(JSON.stringify(first));
    });

    it('a strategy that throws mid-run abandons it: the error comes back, no client waits at its gate', async () => {
      let calls = 0;
      const run = {
        target: lockingTarget(kind),
        variant: 'correct',
        seed: 1,
        keys: 1,
        programs: [0, 1].map(() => [{ op: 'updateTwo', args: { first: 1, second: 2 } }]),
        schedule: [],
        choose: ({ parked }: { parked: { client: number }[] }) => {
          if (++calls === 3) throw new Error('strategy gave up');
          return parked[0]!.client;
        },
      };
      await expect(runScheduled(run, pool, async (outcome) => outcome)).rejects.toThrow('strategy gave up');
    });
  });
}
