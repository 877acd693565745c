/**
 * Durability: after crashes and restarts, every acknowledged write is still
 * there, and no write the database refused appeared anyway.
 *
 * History: `write` operations with args `{ id }`. Final state: the ids present.
 * A write with an unknown outcome (`info`) may be present or absent.
 */
import { type Checker, type Violation, verdictOf } from '../core/check.ts';

export interface DurableState {
  ids: number[];
}

/** Violations kept per invariant; the total is still reported. */
const LISTED = 20;

export function durability(op = 'write'): Checker<DurableState> {
  return {
    name: 'durability',
    description: 'every acknowledged write survives crashes; no refused write appears',
    check({ operations, finalState }) {
      const present = new Set(finalState.ids);
      const writes = operations.filter((o) => o.op === op);
      const lost = writes.filter((o) => o.outcome === 'ok' && !present.has((o.args as { id: number }).id));
      const phantom = writes.filter(
        (o) => o.outcome === 'fail' && present.has((o.args as { id: number }).id),
      );
      const violations: Violation[] = [];
      if (lost.length > 0) {
        violations.push({
          invariant: 'acknowledged-write-survives',
          message: `${lost.length} acknowledged writes are missing after the crash (first: ${lost
            .slice(0, 5)
            .map(
              (o) =>
                `#${o.id} id ${(o.args as { id: number }).id} acknowledged at ${o.completedAt.toFixed(0)} ms`,
            )
            .join(', ')})`,
          operations: lost.slice(0, LISTED).map((o) => o.id),
        });
      }
      if (phantom.length > 0) {
        violations.push({
          invariant: 'refused-write-absent',
          message: `${phantom.length} writes reported as failed are present (first: #${phantom[0]!.id})`,
          operations: phantom.slice(0, LISTED).map((o) => o.id),
        });
      }
      // Without one acknowledged write, nothing was shown to survive: the run cannot vouch for durability.
      if (violations.length === 0 && !writes.some((o) => o.outcome === 'ok'))
        return {
          checker: 'durability',
          verdict: 'unknown',
          violations,
          reason: 'no write was acknowledged, so none could be shown to survive',
        };
      return verdictOf('durability', violations);
    },
  };
}
