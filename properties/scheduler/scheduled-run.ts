/**
 * One scheduled run from start to finish, as the property cases, the
 * isolation probes and the scheduler's own tests all need it: a fresh scratch
 * database with the target's tables, one connection per client program, the
 * lock observer, the schedule; then `inspect` reads what it needs (the final
 * state) while the database still exists, and everything is closed and
 * dropped whatever happened. Errors while cleaning up are not reported: they
 * would hide the run's own outcome or error.
 */
import { createScratchDatabase } from '../../harness/scratch-database.ts';
import type { ServerPool } from '../../harness/server-pool.ts';
import type { TargetContext, TargetDefinition } from '../../harness/target.ts';
import type { PlannedOperation } from '../../harness/workload.ts';
import { runSchedule, type ScheduleOutcome } from './interleaving-scheduler.ts';
import { lockObserverFor } from './lock-observer.ts';

export interface ScheduledRun<Conn> {
  target: TargetDefinition<Conn>;
  variant: string;
  seed: number;
  keys: number;
  /** Each client's operations, in order. */
  programs: PlannedOperation[][];
  /** Which client may take its next statement, step by step. */
  schedule: number[];
  /** Steps before which that client's connection is killed. */
  kills?: number[];
}

export async function runScheduled<Conn, T>(
  run: ScheduledRun<Conn>,
  pool: ServerPool,
  inspect: (outcome: ScheduleOutcome, ctx: TargetContext) => Promise<T>,
): Promise<T> {
  const { target, variant, programs } = run;
  const server = await pool.get(target.database, target.serverSettings?.(variant));
  const scratch = await createScratchDatabase(server);
  const ctx: TargetContext = { database: scratch.info, variant, seed: run.seed, keys: run.keys };
  try {
    await target.setup(ctx);
    const outcome = await withConnections(target, ctx, programs.length, async (connections) => {
      const observer = await lockObserverFor(target.database, server.admin, scratch.info.database);
      try {
        return await runSchedule({
          target,
          ctx,
          programs,
          schedule: run.schedule,
          connections,
          observer,
          ...(run.kills ? { kills: run.kills } : {}),
        });
      } finally {
        await observer.close().catch(() => {});
      }
    });
    return await inspect(outcome, ctx);
  } finally {
    if (target.teardown) await target.teardown(ctx).catch(() => {});
    await scratch.drop().catch(() => {});
  }
}

/** One connection per client for `use`; every one that opened is closed again, also when another failed to. */
async function withConnections<Conn, T>(
  target: TargetDefinition<Conn>,
  ctx: TargetContext,
  clients: number,
  use: (connections: Conn[]) => Promise<T>,
): Promise<T> {
  const opened = await Promise.allSettled(Array.from({ length: clients }, (_, c) => target.connect(ctx, c)));
  const connections = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  try {
    const refused = opened.find((o) => o.status === 'rejected');
    if (refused) throw refused.reason;
    return await use(connections);
  } finally {
    await Promise.all(connections.map((c) => target.disconnect(c).catch(() => {})));
  }
}
