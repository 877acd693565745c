/**
 * One scheduled run from start to finish, as the property cases, the
 * isolation probes and the scheduler's own tests all need it: a fresh scratch
 * database with the target's tables, one connection per client program, the
 * lock observer, the schedule; then `inspect` reads what it needs (the final
 * state) while the database still exists, and everything is closed and
 * dropped whatever happened. Errors while cleaning up are not reported: they
 * would hide the run's own outcome or error.
 */
import { UsageError } from '../../harness/core/errors.ts';
import { DEFAULT_TIMEOUT_MS } from '../../harness/core/run-settings.ts';
import type { RunContext, TargetContext } from '../../harness/core/target.ts';
import { WorkerClients } from '../../harness/core/worker-clients.ts';
import { adminQuery } from '../../harness/providers/db.ts';
import { createScratchDatabase } from '../../harness/providers/scratch-database.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { runSchedule, type ScheduleOutcome, type ScheduleRun } from './interleaving-scheduler.ts';
import { lockObserverFor } from './lock-observer.ts';

/** A schedule to run as `runSchedule` takes it, minus what `runScheduled` makes: context, connections, observer. */
export type ScheduledRun<Conn> = Omit<ScheduleRun<Conn>, 'ctx' | 'connections' | 'observer'> & {
  variant: string;
  seed: number;
  keys: number;
  /** Statements run on the fresh database after the target's setup (a schema mutant). */
  afterSetup?: string[];
};

export async function runScheduled<Conn, T>(
  run: ScheduledRun<Conn>,
  pool: ServerPool,
  inspect: (outcome: ScheduleOutcome, ctx: RunContext) => Promise<T>,
): Promise<T> {
  const { target, variant, programs } = run;
  // The scheduler gates a target's SQL statements one by one: it needs the target's database.
  if (!target.database)
    throw new UsageError(
      `property: ${target.name} has no database; the interleaving scheduler runs SQL targets only`,
    );
  const database = target.database;
  const server = await pool.get(database, target.serverSettings?.(variant));
  const scratch = await createScratchDatabase(server);
  const base: TargetContext = { database: scratch.info, variant, seed: run.seed, keys: run.keys };
  let ctx: RunContext | undefined;
  try {
    ctx = { ...base, env: await target.setup(base) };
    if (run.afterSetup?.length) await adminQuery(scratch.info, run.afterSetup);
    // Connected through the workers' own clients: a client that cannot connect closes the others,
    // and no disconnect is waited for longer than its grace period.
    const clients = new WorkerClients(target, ctx, programs.length, DEFAULT_TIMEOUT_MS);
    await clients.connectAll();
    // The scheduler gates statements sent through the connection: one without query/execute (a
    // session over HTTP, say) would run its operations ungated and prove nothing.
    const sendsSql = (c: unknown) =>
      ['query', 'execute'].some((m) => typeof (c as Record<string, unknown> | null)?.[m] === 'function');
    if (!clients.connections.every(sendsSql)) {
      await clients.closeAll();
      throw new UsageError(
        `property: ${target.name}'s connections have no query or execute method; the interleaving scheduler gates SQL statements sent through them`,
      );
    }
    let outcome: ScheduleOutcome;
    try {
      const observer = await lockObserverFor(database, server.admin, scratch.info.database);
      try {
        outcome = await runSchedule({ ...run, ctx, connections: clients.connections as Conn[], observer });
      } finally {
        await observer.close().catch(() => {});
      }
    } finally {
      await clients.closeAll();
    }
    return await inspect(outcome, ctx);
  } finally {
    if (ctx && target.teardown) await target.teardown(ctx).catch(() => {});
    await scratch.drop().catch(() => {});
  }
}
