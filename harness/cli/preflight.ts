/**
 * Checks made before any scenario runs, so that a suite does not fail half
 * way for a reason known at the start: a crash or pause fault against a
 * database the harness did not start (a URL), and network faults without
 * Toxiproxy.
 */

import type { PlannedRun } from '../config/registry.ts';
import type { DatabaseServer } from '../core/database.ts';
import { UsageError } from '../core/errors.ts';
import type { ServerPool } from '../providers/server-pool.ts';

const NEEDS_CONTROL = new Set(['crash', 'pause']);

/** Why `kind` cannot be applied to `server`, or undefined when it can. */
export function controlProblem(kind: string, server: DatabaseServer): string | undefined {
  if (!server.control) {
    return `the ${kind} fault needs a database the harness starts itself (--provider process); ${server.description} cannot be ${kind === 'crash' ? 'crashed' : 'paused'}`;
  }
  if (kind === 'pause' && !server.control.pause) {
    return `the pause fault needs the process provider; ${server.description} cannot be paused`;
  }
  return undefined;
}

export async function preflight(runs: PlannedRun[], pool: ServerPool): Promise<void> {
  for (const { scenario, target, variant } of runs) {
    const kinds = new Set((scenario.faults ?? []).map((f) => f.kind));
    for (const kind of kinds) {
      if (!NEEDS_CONTROL.has(kind)) continue;
      const server = await pool.get(target.database, target.serverSettings?.(variant));
      const problem = controlProblem(kind, server);
      if (problem) throw new UsageError(`scenario ${scenario.name}: ${problem}`);
    }
    if (kinds.has('network')) await pool.toxiproxy();
  }
}
