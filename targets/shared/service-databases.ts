/**
 * The databases of a target's services: one per service beside the run's
 * scratch database (`<scratch>_<service>`, on the same server), created with
 * their schema at setup and dropped at teardown.
 */
import type { ConnectionInfo } from '../../harness/core/database.ts';
import type { TargetContext } from '../../harness/core/target.ts';
import { adminQuery, safeIdentifier } from '../../harness/providers/db.ts';

export const serviceDatabase = (ctx: Pick<TargetContext, 'database'>, service: string): ConnectionInfo => ({
  ...ctx.database,
  database: safeIdentifier(`${ctx.database.database}_${service}`),
});

/** Create each service's database and run its schema there. */
export async function createServiceDatabases(ctx: TargetContext, schemas: Record<string, string[]>) {
  for (const [service, schema] of Object.entries(schemas)) {
    const info = serviceDatabase(ctx, service);
    await adminQuery(ctx.database, [`CREATE DATABASE ${info.database}`]);
    await adminQuery(info, schema);
  }
}

/** Drop them (their services stopped first); a database already gone is fine. */
export async function dropServiceDatabases(
  ctx: Pick<TargetContext, 'database'>,
  services: readonly string[],
) {
  for (const service of services)
    await adminQuery(ctx.database, [
      `DROP DATABASE IF EXISTS ${serviceDatabase(ctx, service).database} WITH (FORCE)`,
    ]).catch(() => {});
}
