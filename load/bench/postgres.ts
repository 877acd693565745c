/**
 * Postgres: the postgres-versioning target's `correct` variant driven by the
 * harness (8 workers, 100 rows, history on) against a bare loop of `pg` doing
 * the same transaction (bare-loops.ts): the goal. `pgbench -M prepared` on the
 * same two statements, with its default single thread (the harness, too,
 * drives its connections from one event loop), is shown beside as context.
 *
 * Every run starts on a freshly seeded table right after a CHECKPOINT, so no
 * earlier run's writes are still being flushed while it is measured.
 */
import { runEnvironment } from '../../harness/cli/environment.ts';
import type { DatabaseServer } from '../../harness/core/database.ts';
import { runScenario } from '../../harness/core/runner.ts';
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';
import type { TargetDefinition } from '../../harness/core/target.ts';
import { adminQuery } from '../../harness/providers/db.ts';
import { ownedTempDir } from '../../harness/providers/owned.ts';
import type { ScratchDatabase } from '../../harness/providers/scratch-database.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { EMPLOYEE_TABLE, postgresVersioning, seedRows } from '../../targets/postgres-versioning/index.ts';
import { barePostgresVersionedUpdate } from './bare-loops.ts';
import { runPgbench } from './pgbench.ts';
import { pairedRounds, type Tool, warmUp } from './rounds.ts';
import { onScratchDatabase } from './scratch.ts';
import { type BenchSettings, WORKERS } from './settings.ts';
import { type BenchResult, goalAndContext } from './table.ts';

const ROWS = 100;
export const POSTGRES_GOAL = 0.95;

/** Where a reference runs: the target's table seeded, then checkpointed, as the harness's run starts. */
const onFreshTable = (server: DatabaseServer, run: (scratch: ScratchDatabase) => Promise<number>) =>
  onScratchDatabase(
    server,
    { statements: [EMPLOYEE_TABLE, seedRows(ROWS)], thenOnServer: ['CHECKPOINT'] },
    run,
  );

export async function postgresVersionedUpdate(
  pool: ServerPool,
  settings: BenchSettings,
): Promise<BenchResult[]> {
  const server = await pool.get('postgres');
  const { seconds } = settings;
  const scenario: ScenarioDefinition = {
    name: 'bench-versioned-update',
    description: 'bench',
    target: postgresVersioning.name,
    workload: { workers: WORKERS, keys: ROWS, durationMs: seconds * 1000 },
  };
  // The runner creates and seeds the harness's database inside the run: its checkpoint comes after that.
  const target: TargetDefinition = {
    ...postgresVersioning,
    async setup(ctx) {
      await postgresVersioning.setup(ctx);
      await adminQuery(server.admin, ['CHECKPOINT']);
    },
  };
  const outDir = ownedTempDir('chaos-bench-');
  const tools: Tool[] = [
    {
      name: 'harness',
      run: async (round) => {
        const result = await runScenario(scenario, target, 'correct', runEnvironment(pool), {
          seed: round + 2,
          outDir,
        });
        if (result.error) throw new Error(`harness run failed: ${result.error}`);
        return (result.summary.counts.ok + result.summary.counts.fail) / seconds;
      },
    },
    {
      name: 'bare pg loop',
      run: () =>
        onFreshTable(server, (scratch) =>
          barePostgresVersionedUpdate(scratch.info, { workers: WORKERS, rows: ROWS, seconds }),
        ),
    },
    {
      name: 'pgbench',
      context: true,
      run: () =>
        onFreshTable(
          server,
          async (scratch) => (await runPgbench(scratch.info, { clients: WORKERS, seconds, rows: ROWS })).tps,
        ),
    },
  ];
  const unit = 'tps';
  await warmUp(tools, unit);
  const rounds = await pairedRounds(tools, { rounds: settings.rounds, maxSteal: settings.maxSteal, unit });
  return goalAndContext('sql: postgres versioned update (8 workers, history on)', rounds, {
    harness: 'harness',
    reference: 'bare pg loop',
    context: 'pgbench',
    unit,
    goal: POSTGRES_GOAL,
    noContext: 'no pgbench round',
  });
}
