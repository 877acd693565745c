/**
 * Concurrent creates on a key that must stay unique (an alternate key such as
 * an email): however many creates of one key race, there is one row for it.
 *
 * History: create operations (`op`), each for one key (`key`, read on every
 * create). Final state: the rows (`rows`), each with its key (`rowKey`).
 *
 * Invariants, per key (named after `keyName`, e.g. `one-row-per-email`):
 * - one-row-per-<key>: exactly one row, and one at all once a create of the
 *   key was acknowledged.
 * With `identity` (the id a create proposes and the one it is told):
 * - same-<id>: every acknowledged create of the key was told the same id.
 * With `inserted` (whether an acknowledged create inserted or updated):
 * - one-insert: at most one acknowledged create inserted.
 * With `version` too (a version column the updates bump):
 * - version-counts-updates: the row's version is the initial one plus the
 *   acknowledged creates that updated, plus at most those whose outcome is
 *   unknown.
 */

import type { Checker, Violation } from '../core/check.ts';
import type { Operation } from '../core/history.ts';
import {
  type CheckerLabel,
  FieldReader,
  idsOf,
  type Key,
  type OperationField,
  type RowField,
  type RowsOf,
  wholeState,
} from './fields.ts';

/** The id a row is created with: proposed by a create, returned to it, and kept by the row. */
export interface IdentityFields<Row> {
  /** What the id is called in invariant names and messages (`uuid` -> `same-uuid`). */
  name: string;
  /** A final-state row's id. */
  row: RowField<Row, Key>;
  /** The id an acknowledged create was told. */
  returned: OperationField<Key>;
  /** The id a create proposed (read on every create of a duplicated key): names the create that made each row. */
  sent?: OperationField<Key>;
}

/** A version column: the row starts at `initial` (default 1) and each create that updates bumps it. */
export interface VersionFields<Row> {
  row: RowField<Row, number>;
  initial?: number;
}

export interface UniqueByOptions<Row, State> extends CheckerLabel {
  /** The create operation's name. */
  op: string;
  /** The rows of the final state that must be unique by key. Default: the final state itself. */
  rows?: RowsOf<State, Row>;
  /** The key a create is for (read on every create). */
  key: OperationField<Key>;
  /** A final-state row's key. */
  rowKey: RowField<Row, Key>;
  /** What the key is called in invariant names and messages (`email` -> `one-row-per-email`). Default `key`. */
  keyName?: string;
  identity?: IdentityFields<Row>;
  /** Whether an acknowledged create inserted the row (rather than updating it). */
  inserted?: OperationField<boolean>;
  /** Needs `inserted`, to tell the creates that updated. */
  version?: VersionFields<Row>;
}

/** "a", "a and b", "a, b, and c". */
function listed(parts: string[]): string {
  return parts.length < 3 ? parts.join(' and ') : `${parts.slice(0, -1).join(', ')}, and ${parts.at(-1)}`;
}

export function uniqueBy<Row, State = Row[]>(options: UniqueByOptions<Row, State>): Checker<State> {
  const {
    op,
    rows = wholeState<State, Row>,
    key,
    rowKey,
    keyName = 'key',
    identity,
    inserted,
    version,
  } = options;
  if (version && !inserted)
    throw new Error('uniqueBy: `version` needs `inserted`, to tell the creates that updated');
  const name = options.name ?? 'unique-by';
  const oneRow = `one-row-per-${keyName}`;
  const promises = listed([
    'one row',
    ...(identity ? [`one ${identity.name}`] : []),
    ...(version ? ['a version that counts the updates'] : []),
  ]);
  return {
    name,
    description: options.description ?? `concurrent creates of the same ${keyName} yield ${promises}`,
    check({ operations, finalState }) {
      const fields = new FieldReader(name);
      const violations: Violation[] = [];
      const byKey = fields.opsByKey(operations, op, key);
      const rowsByKey = fields.groupRows(fields.rowsOf(finalState, rows), 'rowKey', rowKey);
      const returnedId = (o: Operation) => identity && fields.op(o, 'identity.returned', identity.returned);
      const didInsert = (o: Operation) => inserted && fields.op(o, 'inserted', inserted);

      for (const [k, keyRows] of rowsByKey) {
        const keyOps = byKey.get(k) ?? [];
        const acknowledged = keyOps.filter((o) => o.outcome === 'ok');
        if (keyRows.length > 1) {
          if (identity) {
            const ids = keyRows.map((row) => fields.row(row, 'identity.row', identity.row));
            // Each row was made by the create that sent its id, whatever that create was told (ok or
            // unknown); failing that, by the first acknowledged create that was told it.
            const makers = ids.flatMap((id) => {
              if (id === undefined) return [];
              const sent = identity.sent;
              const maker =
                (sent && keyOps.find((o) => fields.op(o, 'identity.sent', sent) === id)) ||
                acknowledged.find((o) => returnedId(o) === id);
              return maker ? [maker.id] : [];
            });
            violations.push({
              invariant: oneRow,
              message: `${keyName} ${k} has ${keyRows.length} rows (${identity.name}s ${ids.join(', ')}); creates ${makers.map((id) => `#${id}`).join(', ')} each made their own`,
              operations: makers,
            });
          } else {
            const made = keyOps.filter((o) => o.outcome !== 'fail');
            violations.push({
              invariant: oneRow,
              message: `${keyName} ${k} has ${keyRows.length} rows; ${acknowledged.length} creates of it were acknowledged`,
              operations: idsOf(made),
            });
          }
        }

        if (identity) {
          // The first acknowledged create told each id.
          const toldFirst = new Map<Key, Operation>();
          for (const o of acknowledged) {
            const id = returnedId(o);
            if (id !== undefined && !toldFirst.has(id)) toldFirst.set(id, o);
          }
          if (toldFirst.size > 1) {
            violations.push({
              invariant: `same-${identity.name}`,
              message: `creates of ${k} returned ${toldFirst.size} different ${identity.name}s: ${[...toldFirst].map(([id, o]) => `#${o.id} -> ${id}`).join(', ')}`,
              operations: idsOf([...toldFirst.values()]),
            });
          }
        }

        const inserts = acknowledged.filter((o) => didInsert(o) === true);
        if (inserts.length > 1) {
          violations.push({
            invariant: 'one-insert',
            message: `${inserts.length} creates of ${k} each report inserting a new row: ${inserts.map((o) => `#${o.id}`).join(', ')}`,
            operations: idsOf(inserts),
          });
        }

        if (version && keyRows.length === 1) {
          const current = fields.row(keyRows[0]!, 'version.row', version.row);
          const initial = version.initial ?? 1;
          const updates = acknowledged.filter((o) => didInsert(o) === false).length;
          const unknown = keyOps.filter((o) => o.outcome === 'info').length;
          if (
            current !== undefined &&
            (current < initial + updates || current > initial + updates + unknown)
          ) {
            violations.push({
              invariant: 'version-counts-updates',
              message: `row for ${k} has version ${current}, but ${updates} acknowledged updates and ${unknown} unknown outcomes allow only ${initial + updates}..${initial + updates + unknown}`,
              operations: idsOf(acknowledged),
            });
          }
        }
      }

      // An acknowledged create whose key has no row at all lost its write.
      for (const [k, keyOps] of byKey) {
        if (rowsByKey.has(k)) continue;
        const acknowledged = keyOps.filter((o) => o.outcome === 'ok');
        if (acknowledged.length > 0) {
          violations.push({
            invariant: oneRow,
            message: `${keyName} ${k} has no row although ${acknowledged.length} creates were acknowledged`,
            operations: idsOf(acknowledged.slice(0, 5)),
          });
        }
      }
      const acknowledged = operations.filter((o) => o.op === op && o.outcome === 'ok').length;
      return fields.result(violations, { count: acknowledged, what: `no acknowledged ${op} in the history` });
    },
  };
}
