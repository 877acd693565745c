import type { DatabaseServer } from '../../harness/core/database.ts';
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';
import type { TargetDefinition } from '../../harness/core/target.ts';
import { connectMariaDb } from '../../harness/providers/db.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { EMPLOYEE_TABLE, emailForKey, mariadbUpsert } from '../../targets/mariadb-upsert/index.ts';
import { bareMariadbUpsert } from './bare-loops.ts';
import { harnessTool } from './harness-tool.ts';
import { runMariadbSlap, SLAP_TIMEOUT_MS } from './mariadb-slap.ts';
import { pairedRounds, type Tool, warmUp } from './rounds.ts';
import { onScratchDatabase } from './scratch.ts';
import { type BenchSettings, WORKERS } from './settings.ts';
import { type BenchResult, goalAndContext } from './table.ts';

/** So few collisions that every tool measures the statement, not lock waits (100 emails deadlock constantly). */
const BENCH_EMAILS = 1_000_000;
export const MARIADB_GOAL = 0.95;

/** One mariadb-slap run's upserts that took effect per second; undefined when a deadlock storm stopped it. */
function slapRun(server: DatabaseServer, upserts: number): Promise<number | undefined> {
  return onScratchDatabase(server, { statements: [EMPLOYEE_TABLE] }, async (scratch) => {
    const slap = await runMariadbSlap(scratch.info, {
      clients: WORKERS,
      queriesPerClient: upserts / WORKERS,
      emails: BENCH_EMAILS,
    }).catch((error: { killed?: boolean }) => {
      if (!error.killed) throw error;
      return undefined;
    });
    if (!slap) {
      console.log(`  mariadb-slap: stopped after ${SLAP_TIMEOUT_MS / 1000} s (a deadlock storm)`);
      return undefined;
    }
    // Only upserts that took effect count, as for the others (which retry deadlocks): each inserted
    // a row at version 1 or added 1 to one, so the versions add up to them.
    const connection = await connectMariaDb(scratch.info);
    try {
      const [rows] = await connection.query('SELECT SUM(version) AS n FROM employee');
      return Number((rows as { n: number }[])[0]!.n) / slap.seconds;
    } finally {
      await connection.end();
    }
  });
}

export async function mariadbUpsertOnAlternateKey(
  pool: ServerPool,
  settings: BenchSettings,
): Promise<BenchResult[]> {
  const server = await pool.get('mariadb');
  const { upserts } = settings;
  // The target as it is, creating a uniformly random one of the emails, as the references do.
  const target: TargetDefinition = {
    ...mariadbUpsert,
    plan: ({ rng, chooseKey }) => ({
      op: 'create',
      args: {
        email: emailForKey(chooseKey()),
        uuid: rng.uuid(),
        firstName: 'Antonio',
        lastName: 'Alexander',
      },
    }),
  };
  const scenario: ScenarioDefinition = {
    name: 'bench-upsert',
    description: 'bench',
    target: target.name,
    workload: { workers: WORKERS, keys: BENCH_EMAILS, opCount: upserts },
  };
  const tools: Tool[] = [
    // Upserts that took effect per second, from the first call to the last answer.
    harnessTool(pool, scenario, target, (result) => result.summary.throughput),
    {
      name: 'bare mysql2 loop',
      run: () =>
        onScratchDatabase(server, { statements: [EMPLOYEE_TABLE] }, (scratch) =>
          bareMariadbUpsert(scratch.info, { workers: WORKERS, upserts, emails: BENCH_EMAILS }),
        ),
    },
    { name: 'mariadb-slap', context: true, run: () => slapRun(server, upserts) },
  ];
  const unit = 'upserts/s';
  await warmUp(tools, unit);
  const rounds = await pairedRounds(tools, { rounds: settings.rounds, maxSteal: settings.maxSteal, unit });
  return goalAndContext('sql: mariadb upsert on the alternate key (8 workers, history on)', rounds, {
    harness: 'harness',
    reference: 'bare mysql2 loop',
    context: 'mariadb-slap',
    unit,
    goal: MARIADB_GOAL,
    noContext: 'no mariadb-slap round (deadlock storms)',
  });
}
