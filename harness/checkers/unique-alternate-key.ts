/**
 * Concurrent creates on an alternate key (the article's employee upsert).
 *
 * History: `create` operations with args `{ email, uuid }` and, when ok, value
 * `{ uuid, version, inserted }` (the uuid the database returned, the row's
 * version after the call, and whether this call inserted the row).
 * Final state: every employee row.
 *
 * Invariants, per email:
 * - one-row-per-email: exactly one row.
 * - same-uuid: every acknowledged create returned the same uuid.
 * - one-insert: at most one acknowledged create inserted.
 * - version-counts-updates: the row's version is 1 + the acknowledged creates
 *   that updated, plus at most the creates whose outcome is unknown.
 */

import { type Checker, type Violation, verdictOf } from '../core/check.ts';
import { groupBy } from '../core/collections.ts';
import type { Operation } from '../core/history.ts';

export interface EmployeeRow {
  uuid: string;
  email: string;
  version: number;
}

export interface CreateArgs {
  email: string;
  uuid: string;
}

export interface CreateValue {
  uuid: string;
  version: number;
  inserted: boolean;
}

export function uniqueAlternateKey(op = 'create'): Checker<EmployeeRow[]> {
  return {
    name: 'unique-alternate-key',
    description:
      'concurrent creates of the same email yield one row, one uuid, and a version that counts the updates',
    check({ operations, finalState }) {
      const violations: Violation[] = [];
      const creates = operations.filter((o) => o.op === op);
      const byEmail = groupBy(creates, (o) => (o.args as CreateArgs).email);
      const rowsByEmail = groupBy(finalState, (row) => row.email);

      for (const [email, rows] of rowsByEmail) {
        const emailOps = byEmail.get(email) ?? [];
        const acknowledged = emailOps.filter((o) => o.outcome === 'ok');
        if (rows.length > 1) {
          const uuids = rows.map((r) => r.uuid);
          // Each row was made by the create that sent its uuid, whatever that create was told (ok or
          // unknown); failing that, by the first acknowledged create that returned it.
          const makers = uuids.flatMap((uuid) => {
            const maker =
              emailOps.find((o) => (o.args as CreateArgs).uuid === uuid) ??
              acknowledged.find((o) => (o.value as CreateValue).uuid === uuid);
            return maker ? [maker.id] : [];
          });
          violations.push({
            invariant: 'one-row-per-email',
            message: `email ${email} has ${rows.length} rows (uuids ${uuids.join(', ')}); creates ${makers.map((id) => `#${id}`).join(', ')} each made their own`,
            operations: makers,
          });
        }

        const returned = firstPerUuid(acknowledged);
        if (returned.length > 1) {
          violations.push({
            invariant: 'same-uuid',
            message: `creates of ${email} returned ${returned.length} different uuids: ${returned.map((o) => `#${o.id} -> ${(o.value as CreateValue).uuid}`).join(', ')}`,
            operations: ids(returned),
          });
        }

        const inserts = acknowledged.filter((o) => (o.value as CreateValue).inserted);
        if (inserts.length > 1) {
          violations.push({
            invariant: 'one-insert',
            message: `${inserts.length} creates of ${email} each report inserting a new row: ${inserts.map((o) => `#${o.id}`).join(', ')}`,
            operations: ids(inserts),
          });
        }

        if (rows.length === 1) {
          const updates = acknowledged.filter((o) => !(o.value as CreateValue).inserted).length;
          const unknown = emailOps.filter((o) => o.outcome === 'info').length;
          const version = rows[0]!.version;
          if (version < 1 + updates || version > 1 + updates + unknown) {
            violations.push({
              invariant: 'version-counts-updates',
              message: `row for ${email} has version ${version}, but ${updates} acknowledged updates and ${unknown} unknown outcomes allow only ${1 + updates}..${1 + updates + unknown}`,
              operations: ids(acknowledged),
            });
          }
        }
      }

      // An acknowledged create whose email has no row at all lost its write.
      for (const [email, emailOps] of byEmail) {
        if (rowsByEmail.has(email)) continue;
        const acknowledged = emailOps.filter((o) => o.outcome === 'ok');
        if (acknowledged.length > 0) {
          violations.push({
            invariant: 'one-row-per-email',
            message: `email ${email} has no row although ${acknowledged.length} creates were acknowledged`,
            operations: ids(acknowledged.slice(0, 5)),
          });
        }
      }
      return verdictOf('unique-alternate-key', violations);
    },
  };
}

function firstPerUuid(ops: Operation[]): Operation[] {
  const seen = new Map<string, Operation>();
  for (const o of ops) {
    const uuid = (o.value as CreateValue).uuid;
    if (!seen.has(uuid)) seen.set(uuid, o);
  }
  return [...seen.values()];
}

function ids(ops: Operation[]): number[] {
  return ops.map((o) => o.id);
}
