/**
 * Checks made before any scenario runs, so that a suite does not fail half
 * way for a reason known at the start: a crash or pause fault against a
 * database the harness did not start (a URL), and network faults without
 * Toxiproxy.
 */
import { UsageError } from './errors.ts';
import type { PlannedRun } from './registry.ts';
import type { ServerPool } from './server-pool.ts';

const NEEDS_OWN_PROCESS = new Set(['crash', 'pause']);

export async function preflight(runs: PlannedRun[], pool: ServerPool): Promise<void> {
  for (const { scenario, target, variant } of runs) {
    const kinds = new Set((scenario.faults ?? []).map((f) => f.kind));
    for (const kind of kinds) {
      if (!NEEDS_OWN_PROCESS.has(kind)) continue;
      const server = await pool.get(target.database, target.serverSettings?.(variant));
      if (!server.process) {
        throw new UsageError(
          `scenario ${scenario.name}: the ${kind} fault needs a database the harness starts itself (--provider process); ${server.description} cannot be ${kind === 'crash' ? 'crashed' : 'paused'}`,
        );
      }
    }
    if (kinds.has('network')) await pool.toxiproxy();
  }
}
