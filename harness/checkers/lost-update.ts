/**
 * Versioned mutations (optimistic locking): no acknowledged update may be lost.
 *
 * History: update operations (`op`), each about one row (`key`); when ok, the
 * version it read (`readVersion`) and the version its write produced
 * (`wroteVersion`). A conflict (0 rows updated) is `fail`. Optionally each
 * update writes a token of its own and returns the token it read (`tokens`).
 * Final state: one row per key with its version (`rowKey`, `rowVersion`).
 * Every row starts at `initialVersion`, carrying `tokens.initial`.
 *
 * The defaults read the postgres-versioning target's shapes: `mutate` with
 * args `{ key, token }`, value `{ readVersion, readToken, wroteVersion }`, and
 * rows `{ key, version, token }` starting at version 1 with token `initial`.
 *
 * Invariants, per key:
 * - unique-versions: no two acknowledged updates produced the same version.
 * - read-before-write: an acknowledged update that produced version v read
 *   version v-1; otherwise it overwrote versions it never saw.
 * - read-what-was-written: if an acknowledged update produced version v-1, the
 *   update that produced v read its token.
 * - final-version: final version = initial + acknowledged updates (+ at most
 *   the updates whose outcome is unknown).
 */

import type { Checker, Violation } from '../core/check.ts';
import type { Operation } from '../core/history.ts';
import {
  argument,
  type CheckerLabel,
  column,
  FieldReader,
  idsOf,
  type Key,
  type OperationField,
  type RowField,
  type RowsOf,
  returned,
  wholeState,
} from './fields.ts';

export interface VersionedRow {
  key: number;
  version: number;
  token: string;
}

export interface MutateArgs {
  key: number;
  token: string;
}

export interface MutateValue {
  readVersion: number;
  readToken: string;
  wroteVersion: number;
}

export const INITIAL_TOKEN = 'initial';

/** Each update writes a token of its own and returns the one it read: then it must have read its predecessor's. */
export interface TokenFields {
  /** The token an update writes (read on acknowledged updates). */
  wrote: OperationField<Key>;
  /** The token an acknowledged update read. */
  read: OperationField<Key>;
  /** The token every row starts with. */
  initial: Key;
}

export interface NoLostUpdateOptions<Row, State> extends CheckerLabel {
  /** The update operation's name. Default `mutate`. */
  op?: string;
  /** The versioned rows of the final state. Default: the final state itself. */
  rows?: RowsOf<State, Row>;
  /** The row an update is about (read on every update). Default `args.key`. */
  key?: OperationField<Key>;
  /** The version an acknowledged update read. Default `value.readVersion`. */
  readVersion?: OperationField<number>;
  /** The version an acknowledged update's write produced. Default `value.wroteVersion`. */
  wroteVersion?: OperationField<number>;
  /** A final-state row's key. Default `row.key`. */
  rowKey?: RowField<Row, Key>;
  /** A final-state row's version. Default `row.version`. */
  rowVersion?: RowField<Row, number>;
  /** The version every row starts at. Default 1. */
  initialVersion?: number;
  /** `false` when updates carry no token. Default: `args.token`, `value.readToken`, initial `initial`. */
  tokens?: TokenFields | false;
}

/** An acknowledged update with both its versions. */
interface VersionedWrite {
  operation: Operation;
  readVersion: number;
  wroteVersion: number;
}

export function noLostUpdate<Row = VersionedRow, State = Row[]>(
  options: NoLostUpdateOptions<Row, State> = {},
): Checker<State> {
  const {
    name = 'no-lost-update',
    description = 'every acknowledged versioned update is built on the write before it and none is overwritten',
    op = 'mutate',
    rows = wholeState<State, Row>,
    key = argument<Key>('key'),
    readVersion = returned<number>('readVersion'),
    wroteVersion = returned<number>('wroteVersion'),
    rowKey = column<Key>('key'),
    rowVersion = column<number>('version'),
    initialVersion = 1,
    tokens = { wrote: argument<Key>('token'), read: returned<Key>('readToken'), initial: INITIAL_TOKEN },
  } = options;
  return {
    name,
    description,
    check({ operations, finalState }) {
      const fields = new FieldReader(name);
      const violations: Violation[] = [];
      const byKey = fields.opsByKey(operations, op, key);
      const rowByKey = new Map<Key, Row>();
      for (const row of fields.rowsOf(finalState, rows)) {
        const k = fields.row(row, 'rowKey', rowKey);
        if (k !== undefined) rowByKey.set(k, row);
      }
      // Every key with a row or an operation: the history alone proves some violations, row or not.
      for (const k of new Set([...rowByKey.keys(), ...byKey.keys()])) {
        const row = rowByKey.get(k);
        const keyOps = byKey.get(k) ?? [];
        const acknowledged = keyOps.filter((o) => o.outcome === 'ok');
        const unknown = keyOps.filter((o) => o.outcome === 'info').length;
        const writes = acknowledged.flatMap((operation): VersionedWrite[] => {
          const read = fields.op(operation, 'readVersion', readVersion);
          const wrote = fields.op(operation, 'wroteVersion', wroteVersion);
          return read === undefined || wrote === undefined
            ? []
            : [{ operation, readVersion: read, wroteVersion: wrote }];
        });
        const byVersion = new Map<number, Operation>();
        for (const { operation: o, wroteVersion: version } of writes) {
          const earlier = byVersion.get(version);
          if (earlier) {
            violations.push({
              invariant: 'unique-versions',
              message: `key ${k}: #${earlier.id} and #${o.id} both produced version ${version}; one overwrote the other (lost update)`,
              operations: [earlier.id, o.id],
            });
          } else {
            byVersion.set(version, o);
          }
        }
        for (const write of writes) {
          const o = write.operation;
          if (write.readVersion !== write.wroteVersion - 1) {
            const overwritten = byVersion.get(write.wroteVersion - 1);
            violations.push({
              invariant: 'read-before-write',
              message: `key ${k}: #${o.id} read version ${write.readVersion} but produced version ${write.wroteVersion}${overwritten ? `, overwriting #${overwritten.id}'s write it never read (lost update)` : ' (lost update)'}`,
              operations: overwritten ? [overwritten.id, o.id] : [o.id],
            });
            continue;
          }
          if (!tokens) continue;
          // The token the version it read was written with, when some acknowledged update (or the seed) wrote it.
          const predecessor = byVersion.get(write.readVersion);
          const expectedToken =
            write.readVersion === initialVersion
              ? tokens.initial
              : predecessor && fields.op(predecessor, 'tokens.wrote', tokens.wrote);
          if (expectedToken === undefined) continue;
          const readToken = fields.op(o, 'tokens.read', tokens.read);
          if (readToken !== undefined && readToken !== expectedToken) {
            violations.push({
              invariant: 'read-what-was-written',
              message: `key ${k}: #${o.id} read version ${write.readVersion} with token ${readToken}, but that version was written with token ${expectedToken}`,
              operations: predecessor ? [predecessor.id, o.id] : [o.id],
            });
          }
        }
        if (!row) {
          if (acknowledged.length > 0)
            violations.push({
              invariant: 'final-version',
              message: `key ${k}: no row in the final state, but ${acknowledged.length} acknowledged updates wrote to it`,
              operations: idsOf(acknowledged.slice(0, 5)),
            });
          continue;
        }
        const version = fields.row(row, 'rowVersion', rowVersion);
        if (version === undefined) continue;
        const least = initialVersion + acknowledged.length;
        if (version < least || version > least + unknown) {
          violations.push({
            invariant: 'final-version',
            message: `key ${k}: final version ${version}, but ${acknowledged.length} acknowledged updates and ${unknown} unknown outcomes allow only ${least}..${least + unknown}`,
            operations: idsOf(acknowledged.slice(-5)),
          });
        }
      }
      const acknowledged = operations.filter((o) => o.op === op && o.outcome === 'ok').length;
      return fields.result(violations, { count: acknowledged, what: `no acknowledged ${op} in the history` });
    },
  };
}
