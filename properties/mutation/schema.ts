/**
 * Schema mutants: the target's tables without one of their UNIQUE, FOREIGN
 * KEY or CHECK constraints, read from the database's catalog after the
 * target's own setup, so they come from whatever DDL the target runs.
 */
import type { ConnectionInfo } from '../../harness/core/database.ts';
import { connectMariaDb, connectPostgres } from '../../harness/providers/db.ts';

export interface SchemaMutant {
  operator: 'drop-constraint';
  description: string;
  /** Run on the fresh database after the target's setup. */
  statements: string[];
}

interface Constraint {
  table: string;
  name: string;
  type: 'UNIQUE' | 'FOREIGN KEY' | 'CHECK';
  definition: string;
}

const quotePg = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteMaria = (name: string) => `\`${name.replace(/`/g, '``')}\``;

async function postgresConstraints(info: ConnectionInfo): Promise<Constraint[]> {
  const client = await connectPostgres(info);
  try {
    const { rows } = await client.query(
      `SELECT c.conrelid::regclass::text AS "table", c.conname AS name, c.contype AS type,
              pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = current_schema() AND c.contype IN ('u', 'f', 'c')
        ORDER BY 1, 2`,
    );
    const types = { u: 'UNIQUE', f: 'FOREIGN KEY', c: 'CHECK' } as const;
    return rows.map((r) => ({
      table: r.table,
      name: r.name,
      type: types[r.type as keyof typeof types],
      definition: r.definition,
    }));
  } finally {
    await client.end();
  }
}

async function mariadbConstraints(info: ConnectionInfo): Promise<Constraint[]> {
  const connection = await connectMariaDb(info);
  try {
    const [rows] = await connection.query(
      `SELECT TABLE_NAME AS \`table\`, CONSTRAINT_NAME AS name, CONSTRAINT_TYPE AS type
         FROM information_schema.TABLE_CONSTRAINTS
        WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_TYPE IN ('UNIQUE', 'FOREIGN KEY', 'CHECK')
        ORDER BY 1, 2`,
    );
    return (rows as { table: string; name: string; type: Constraint['type'] }[]).map((r) => ({
      ...r,
      definition: `${r.type} ${r.name}`,
    }));
  } finally {
    await connection.end();
  }
}

function dropStatement(kind: ConnectionInfo['kind'], c: Constraint): string {
  if (kind === 'postgres') return `ALTER TABLE ${c.table} DROP CONSTRAINT ${quotePg(c.name)}`;
  const table = quoteMaria(c.table);
  if (c.type === 'UNIQUE') return `ALTER TABLE ${table} DROP INDEX ${quoteMaria(c.name)}`;
  if (c.type === 'FOREIGN KEY') return `ALTER TABLE ${table} DROP FOREIGN KEY ${quoteMaria(c.name)}`;
  return `ALTER TABLE ${table} DROP CONSTRAINT ${quoteMaria(c.name)}`;
}

/** One mutant per UNIQUE, FOREIGN KEY and CHECK constraint of the database `info` names. */
export async function schemaMutants(info: ConnectionInfo): Promise<SchemaMutant[]> {
  const constraints =
    info.kind === 'postgres' ? await postgresConstraints(info) : await mariadbConstraints(info);
  return constraints.map((c) => ({
    operator: 'drop-constraint',
    description: `${c.table} without ${c.type} ${c.name} (${c.definition})`,
    statements: [dropStatement(info.kind, c)],
  }));
}
