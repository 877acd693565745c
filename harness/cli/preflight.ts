/**
 * Checks made before any scenario runs, so that a suite does not fail half
 * way for a reason known at the start: a crash or pause fault against a
 * database or service the harness did not start (a URL), a session fault
 * with no database to end sessions on, network faults without Toxiproxy, and
 * clock-skew faults without libfaketime or on a service found at a URL.
 */

import type { PlannedRun } from '../config/registry.ts';
import type { DatabaseServer } from '../core/database.ts';
import { EnvironmentError, UsageError } from '../core/errors.ts';
import type { TargetDefinition } from '../core/target.ts';
import type { ServerPool } from '../providers/server-pool.ts';
import { LIBFAKETIME_HINT, libfaketimePath } from '../providers/skewable-clock.ts';

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

const NEEDS_SESSIONS = new Set(['kill-connection', 'kill-query']);

/** Why a fault on a target's service (or its lack of one) cannot work, known from the definition alone. */
export function serviceProblem(kind: string, target: TargetDefinition): string | undefined {
  const service = target.service;
  if (NEEDS_CONTROL.has(kind) && service && 'url' in service)
    return `the ${kind} fault needs a service the harness starts (service.command); ${target.name}'s runs at ${service.url}`;
  if (NEEDS_CONTROL.has(kind) && !service && !target.database)
    return `the ${kind} fault has nothing to act on: ${target.name} has no service or database`;
  if (NEEDS_SESSIONS.has(kind) && !target.database && !service?.databaseUrl)
    return `the ${kind} fault ends database sessions, and ${target.name} has no database (name its service's own in service.databaseUrl)`;
  if (kind === 'clock-skew' && service && 'url' in service)
    return `the clock-skew fault needs a service the harness starts (service.command); ${target.name}'s runs at ${service.url}`;
  return undefined;
}

export async function preflight(runs: PlannedRun[], pool: ServerPool): Promise<void> {
  for (const { scenario, target, variant } of runs) {
    const kinds = new Set((scenario.faults ?? []).map((f) => f.kind));
    for (const kind of kinds) {
      const problem = serviceProblem(kind, target);
      if (problem) throw new UsageError(`scenario ${scenario.name}: ${problem}`);
    }
    for (const kind of kinds) {
      // A started service takes the crash and pause faults; otherwise the database server does.
      if (!NEEDS_CONTROL.has(kind) || target.service || !target.database) continue;
      const server = await pool.get(target.database, target.serverSettings?.(variant));
      const problem = controlProblem(kind, server);
      if (problem) throw new UsageError(`scenario ${scenario.name}: ${problem}`);
    }
    if (kinds.has('network')) await pool.toxiproxy();
    if (kinds.has('clock-skew') && !libfaketimePath())
      throw new EnvironmentError(`scenario ${scenario.name}: ${LIBFAKETIME_HINT}`);
  }
}
