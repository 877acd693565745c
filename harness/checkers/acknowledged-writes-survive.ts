/**
 * Durability: after crashes and restarts, every acknowledged write is still
 * in the final state, and no write the system refused appeared anyway.
 *
 * History: write operations (`op`), each leaving something that identifies it
 * in the final state (`written`, read on acknowledged and failed writes).
 * Final state: what is there (`present`). A write with an unknown outcome
 * (`info`) may be present or absent.
 *
 * Invariants:
 * - acknowledged-write-survives: every acknowledged write is present.
 * - refused-write-absent: no failed write is present.
 * With no acknowledged write the verdict is `unknown`: nothing was shown to survive.
 */
import { type Checker, operationsByCase, unknownResult, type Violation } from '../core/check.ts';
import { type CheckerLabel, FieldReader, idsOf, type Key, type OperationField } from './fields.ts';

export interface AcknowledgedWritesSurviveOptions<State> extends CheckerLabel {
  /** The write operation's name. */
  op: string;
  /** What a write leaves in the final state, e.g. the id of the row it inserts. */
  written: OperationField<Key>;
  /** What the final state holds, in the terms of `written`. */
  present: (state: State) => Iterable<Key> | undefined;
}

/** Violations kept per invariant; the total is still reported. */
const LISTED = 20;

export function acknowledgedWritesSurvive<State>(
  options: AcknowledgedWritesSurviveOptions<State>,
): Checker<State> {
  const { op, written, present } = options;
  const name = options.name ?? 'acknowledged-writes-survive';
  return {
    name,
    description:
      options.description ?? 'every acknowledged write is in the final state; no refused write appears',
    check({ operations, finalState }) {
      const fields = new FieldReader(name);
      const found = new Set(fields.state(finalState, 'present', present));
      const writes = operations.filter((o) => o.op === op);
      // The acknowledged and the refused writes, each with what it left and whether that is there.
      const judged = writes.flatMap((operation) => {
        if (operation.outcome === 'info') return [];
        const what = fields.op(operation, 'written', written);
        return what === undefined ? [] : [{ operation, what, isPresent: found.has(what) }];
      });
      const lost = judged.filter((w) => w.operation.outcome === 'ok' && !w.isPresent);
      const phantom = idsOf(
        judged.filter((w) => w.operation.outcome === 'fail' && w.isPresent).map((w) => w.operation),
      );
      const violations: Violation[] = [];
      if (lost.length > 0) {
        violations.push({
          invariant: 'acknowledged-write-survives',
          message: `${lost.length} acknowledged writes are missing after the crash (first: ${lost
            .slice(0, 5)
            .map(
              (w) =>
                `#${w.operation.id} wrote ${w.what} and was acknowledged at ${w.operation.completedAt.toFixed(0)} ms`,
            )
            .join(', ')})`,
          ...operationsByCase(lost.slice(0, LISTED).map((w) => [w.operation.id])),
        });
      }
      if (phantom.length > 0) {
        violations.push({
          invariant: 'refused-write-absent',
          message: `${phantom.length} writes reported as failed are present (first: #${phantom[0]})`,
          ...operationsByCase(phantom.slice(0, LISTED).map((id) => [id])),
        });
      }
      const result = fields.result(violations);
      // Without one acknowledged write, nothing was shown to survive: the run cannot vouch for durability.
      if (result.verdict === 'valid' && !writes.some((o) => o.outcome === 'ok'))
        return unknownResult(name, 'no write was acknowledged, so none could be shown to survive');
      return result;
    },
  };
}
