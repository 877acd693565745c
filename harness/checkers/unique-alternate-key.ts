/**
 * The mariadb-upsert target's creates, judged by `uniqueBy`: concurrent
 * creates of one employee email (the article's upsert on an alternate key).
 *
 * History: `create` operations with args `{ email, uuid }` and, when ok, value
 * `{ uuid, version, inserted }` (the uuid the database returned, the row's
 * version after the call, and whether this call inserted the row).
 * Final state: every employee row. Invariants: one-row-per-email, same-uuid,
 * one-insert, version-counts-updates (see unique-by.ts).
 */

import type { Checker } from '../core/check.ts';
import { argument, returned } from './fields.ts';
import { uniqueBy } from './unique-by.ts';

export interface EmployeeRow {
  uuid: string;
  email: string;
  version: number;
}

export function uniqueAlternateKey(op = 'create'): Checker<EmployeeRow[]> {
  return uniqueBy<EmployeeRow>({
    name: 'unique-alternate-key',
    op,
    keyName: 'email',
    key: argument('email'),
    rowKey: (row) => row.email,
    identity: { name: 'uuid', row: (row) => row.uuid, returned: returned('uuid'), sent: argument('uuid') },
    inserted: returned('inserted'),
    version: { row: (row) => row.version },
  });
}
