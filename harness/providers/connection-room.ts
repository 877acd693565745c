/**
 * One bound on workers, judged before a pass runs: a database server accepts
 * only so many connections (max_connections), and a workload with more
 * workers than that would fail late, with the server's "too many clients"
 * or a connect timeout. The servers the harness starts allow MAX_WORKERS and
 * the harness's own; a server at a URL is asked.
 */
import type { DatabaseServer } from '../core/database.ts';
import { UsageError } from '../core/errors.ts';
import { MAX_WORKERS } from '../core/workload.ts';
import { adminRows } from './db.ts';

/** Connections the harness keeps beside the workers' (admin, final state, faults' sessions). */
export const CONNECTIONS_RESERVED = 20;

/** What the servers the harness starts allow: every worker the harness accepts, and its own. */
export const STARTED_SERVER_CONNECTIONS = MAX_WORKERS + CONNECTIONS_RESERVED;

const limits = new WeakMap<DatabaseServer, Promise<number>>();

async function maxConnections(server: DatabaseServer): Promise<number> {
  const rows = await adminRows(
    server.admin,
    server.kind === 'postgres' ? 'SHOW max_connections' : 'SELECT @@max_connections AS max_connections',
    [],
  );
  return Number(rows[0]?.max_connections);
}

export async function ensureConnectionRoom(server: DatabaseServer, workers: number): Promise<void> {
  if (workers === 0) return;
  let limit = limits.get(server);
  if (!limit) {
    limit = maxConnections(server).catch(() => Number.NaN);
    limits.set(server, limit);
  }
  const max = await limit;
  // A server that does not say (or a permission it lacks) is not judged here.
  if (!Number.isFinite(max) || workers + CONNECTIONS_RESERVED <= max) return;
  throw new UsageError(
    `${workers} workers need ${workers} connections, and ${server.description} accepts at most ${max} ` +
      `(max_connections), ${CONNECTIONS_RESERVED} of which the harness keeps for itself: ` +
      (max > CONNECTIONS_RESERVED
        ? `use --workers ${max - CONNECTIONS_RESERVED} or fewer, or raise max_connections`
        : 'raise max_connections'),
  );
}
