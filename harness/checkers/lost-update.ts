/**
 * Versioned mutations (optimistic locking): no acknowledged update may be lost.
 *
 * History: `mutate` operations with args `{ key, token }` (token: a value
 * unique to this operation that it writes) and, when ok, value
 * `{ readVersion, readToken, wroteVersion }`: what the operation read and the
 * version its write produced. A conflict (0 rows updated) is `fail`.
 * Final state: per key, the row's version and token. Each row starts at
 * version 1 with token `initial`.
 *
 * Invariants, per key:
 * - unique-versions: no two acknowledged updates produced the same version.
 * - read-before-write: an acknowledged update that produced version v read
 *   version v-1; otherwise it overwrote versions it never saw.
 * - read-what-was-written: if an acknowledged update produced version v-1, the
 *   update that produced v read its token.
 * - final-version: final version = 1 + acknowledged updates (+ at most the
 *   updates whose outcome is unknown).
 */

import { type Checker, type Violation, verdictOf } from '../core/check.ts';
import { groupBy } from '../core/collections.ts';
import type { Operation } from '../core/history.ts';

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

export function noLostUpdate(op = 'mutate'): Checker<VersionedRow[]> {
  return {
    name: 'no-lost-update',
    description:
      'every acknowledged versioned update is built on the write before it and none is overwritten',
    check({ operations, finalState }) {
      const violations: Violation[] = [];
      const byKey = groupBy(
        operations.filter((o) => o.op === op),
        (o) => (o.args as MutateArgs).key,
      );
      const rows = new Map(finalState.map((row) => [row.key, row]));
      // Every key with a row or an operation: the history alone proves some violations, row or not.
      for (const key of new Set([...rows.keys(), ...byKey.keys()])) {
        const row = rows.get(key);
        const keyOps = byKey.get(key) ?? [];
        const acknowledged = keyOps.filter((o) => o.outcome === 'ok');
        const unknown = keyOps.filter((o) => o.outcome === 'info').length;
        const byVersion = new Map<number, Operation>();
        for (const o of acknowledged) {
          const value = o.value as MutateValue;
          const earlier = byVersion.get(value.wroteVersion);
          if (earlier) {
            violations.push({
              invariant: 'unique-versions',
              message: `key ${key}: #${earlier.id} and #${o.id} both produced version ${value.wroteVersion}; one overwrote the other (lost update)`,
              operations: [earlier.id, o.id],
            });
          } else {
            byVersion.set(value.wroteVersion, o);
          }
        }
        for (const o of acknowledged) {
          const value = o.value as MutateValue;
          if (value.readVersion !== value.wroteVersion - 1) {
            const overwritten = byVersion.get(value.wroteVersion - 1);
            violations.push({
              invariant: 'read-before-write',
              message: `key ${key}: #${o.id} read version ${value.readVersion} but produced version ${value.wroteVersion}${overwritten ? `, overwriting #${overwritten.id}'s write it never read (lost update)` : ' (lost update)'}`,
              operations: overwritten ? [overwritten.id, o.id] : [o.id],
            });
            continue;
          }
          const predecessor = byVersion.get(value.readVersion);
          const expectedToken =
            value.readVersion === 1 ? INITIAL_TOKEN : (predecessor?.args as MutateArgs | undefined)?.token;
          if (expectedToken !== undefined && value.readToken !== expectedToken) {
            violations.push({
              invariant: 'read-what-was-written',
              message: `key ${key}: #${o.id} read version ${value.readVersion} with token ${value.readToken}, but that version was written with token ${expectedToken}`,
              operations: predecessor ? [predecessor.id, o.id] : [o.id],
            });
          }
        }
        if (!row) {
          if (acknowledged.length > 0)
            violations.push({
              invariant: 'final-version',
              message: `key ${key}: no row in the final state, but ${acknowledged.length} acknowledged updates wrote to it`,
              operations: acknowledged.slice(0, 5).map((o) => o.id),
            });
          continue;
        }
        const least = 1 + acknowledged.length;
        if (row.version < least || row.version > least + unknown) {
          violations.push({
            invariant: 'final-version',
            message: `key ${key}: final version ${row.version}, but ${acknowledged.length} acknowledged updates and ${unknown} unknown outcomes allow only ${least}..${least + unknown}`,
            operations: acknowledged.slice(-5).map((o) => o.id),
          });
        }
      }
      return verdictOf('no-lost-update', violations);
    },
  };
}
