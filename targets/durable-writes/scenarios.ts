/**
 * The built-in scenarios of this targets: inserts under load while the whole server is SIGKILLed and restarted.
 */
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';

/** Inserts under load, the server crashed twice: every acknowledged insert must survive. */
function durabilityCrash(kind: 'mariadb' | 'postgres', product: string): ScenarioDefinition {
  return {
    name: `${kind}-durability-crash`,
    description: `${product} inserts under load, server crashed twice: every acknowledged insert must survive`,
    target: `${kind}-durable-writes`,
    workload: { workers: 8, durationMs: 4000, timeoutMs: 1000 },
    faults: [{ kind: 'crash', startMs: 1200, durationMs: 300, intervalMs: 1500 }],
  };
}

export const mariadbDurabilityCrash = durabilityCrash('mariadb', 'MariaDB');
export const postgresDurabilityCrash = durabilityCrash('postgres', 'Postgres');
