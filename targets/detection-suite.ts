/**
 * Which built-in scenarios the detection matrix sweeps over many seeds, and
 * how long each run of a sweep lasts: shared by the targets test (five seeds)
 * and the bench (twenty). A run of a SQL target costs a fraction of a second
 * beyond its workload; one of a target with services of its own costs seconds
 * of starting, crashing and quiescing them, so those run on fewer seeds.
 */
import type { ScenarioDefinition } from '../harness/core/scenario.ts';

/** Targets that start services of their own (child processes over HTTP). */
export const SERVICE_TARGETS: ReadonlySet<string> = new Set([
  'saga',
  'saga-timeouts',
  'choreography',
  'cqrs',
  'cross-service',
  'replicated-kv',
]);

/** Short scenarios of the SQL targets run this long: their mutants are proven in tens of milliseconds. */
export const SQL_RUN_MS = 800;
/** Longer SQL scenarios run at most this long. */
export const LONG_SQL_RUN_MS = 3000;
/** Services over HTTP run at most this long: their first proofs take 50 to 900 ms, with margin for a loaded machine. */
export const SERVICE_RUN_MS = 2000;

type Scenario = Pick<ScenarioDefinition, 'faults' | 'passes' | 'load' | 'workload'>;

/** The scenarios swept over every seed: SQL targets without faults, timed passes or a load engine. */
export const inDetectionMatrix = (scenario: Scenario, target: { name: string }) =>
  !SERVICE_TARGETS.has(target.name) &&
  (scenario.faults ?? []).length === 0 &&
  scenario.passes === undefined &&
  scenario.load === undefined;

/** How long a sweep runs a scenario: undefined keeps its own length (a fault schedule needs it). */
export function sweepRunMs(scenario: Scenario, target: { name: string }): number | undefined {
  if ((scenario.faults ?? []).length > 0) return undefined;
  const own = scenario.workload.durationMs;
  if (SERVICE_TARGETS.has(target.name)) return Math.min(own ?? SERVICE_RUN_MS, SERVICE_RUN_MS);
  return own !== undefined && own > LONG_SQL_RUN_MS ? LONG_SQL_RUN_MS : SQL_RUN_MS;
}
