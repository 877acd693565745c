import type { DatabaseServer } from '../../harness/core/database.ts';
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';
import type { TargetDefinition } from '../../harness/core/target.ts';
import { adminQuery } from '../../harness/providers/db.ts';
import type { ScratchDatabase } from '../../harness/providers/scratch-database.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { EMPLOYEE_TABLE, postgresVersioning, seedRows } from '../../targets/postgres-versioning/index.ts';
import { barePostgresVersionedUpdate } from './bare-loops.ts';
import { harnessTool } from './harness-tool.ts';
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
  const tools: Tool[] = [
    // Transactions per second, a conflict (fail) counted as the bare loop counts it.
    harnessTool(
      pool,
      scenario,
      target,
      (result) => (result.summary.counts.ok + result.summary.counts.fail) / seconds,
    ),
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
