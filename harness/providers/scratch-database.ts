/**
 * Each run of a target gets its own fresh database on the server, named
 * `chaos_<random>` and marked with a comment as the harness's own, and drops
 * it afterwards. The harness drops only databases it created itself in this
 * process, and, on a later run, the marked ones a killed run left behind
 * (run-ledger.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionInfo, DatabaseServer } from '../core/database.ts';
import { adminQuery, adminRows, safeIdentifier } from './db.ts';
import { forgetDatabase, type LedgerDatabase, recordDatabase } from './run-ledger.ts';

/** The comment that marks a database as a harness's scratch database. */
export const SCRATCH_MARKER = 'concurrency-chaos-harness scratch database';

const createdHere = new Set<string>();

export interface ScratchDatabase {
  info: ConnectionInfo;
  drop(): Promise<void>;
}

export async function createScratchDatabase(server: DatabaseServer): Promise<ScratchDatabase> {
  const name = safeIdentifier(`chaos_${randomBytes(6).toString('hex')}`);
  await createMarked(server.admin, name);
  createdHere.add(name);
  // On a server the harness did not start, a killed run would leave the database behind: the ledger names it.
  const entry: LedgerDatabase = {
    kind: server.kind,
    host: server.admin.host,
    port: server.admin.port,
    database: name,
  };
  if (server.provider === 'url') recordDatabase(entry);
  return {
    info: { ...server.admin, database: name },
    async drop() {
      if (!createdHere.has(name)) throw new Error(`refusing to drop ${name}: not created by this run`);
      await adminQuery(server.admin, [dropStatement(server.admin, name)]);
      createdHere.delete(name);
      if (server.provider === 'url') forgetDatabase(entry);
    },
  };
}

async function createMarked(admin: ConnectionInfo, name: string): Promise<void> {
  if (admin.kind === 'postgres') {
    await adminQuery(admin, [
      `CREATE DATABASE ${name}`,
      `COMMENT ON DATABASE ${name} IS '${SCRATCH_MARKER}'`,
    ]);
    return;
  }
  try {
    await adminQuery(admin, [`CREATE DATABASE ${name} COMMENT '${SCRATCH_MARKER}'`]);
  } catch (error) {
    // Database comments came with MariaDB 10.5: an older server gets an unmarked database.
    if ((error as { errno?: number }).errno !== 1064) throw error;
    await adminQuery(admin, [`CREATE DATABASE ${name}`]);
  }
}

function dropStatement(admin: ConnectionInfo, name: string): string {
  return admin.kind === 'postgres'
    ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`
    : `DROP DATABASE IF EXISTS ${name}`;
}

/**
 * Drop `name`, left on this server by a killed run, if it still carries the
 * marker: a database of that name without it is not the harness's to drop.
 */
export async function dropLeftoverScratchDatabase(
  admin: ConnectionInfo,
  name: string,
): Promise<'dropped' | 'absent' | 'unmarked'> {
  safeIdentifier(name);
  const rows =
    admin.kind === 'postgres'
      ? await adminRows(
          admin,
          `SELECT shobj_description(oid, 'pg_database') AS marker FROM pg_database WHERE datname = $1`,
          [name],
        )
      : await adminRows(
          admin,
          'SELECT SCHEMA_COMMENT AS marker FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
          [name],
        );
  if (rows.length === 0) return 'absent';
  if (rows[0]!.marker !== SCRATCH_MARKER) return 'unmarked';
  await adminQuery(admin, [dropStatement(admin, name)]);
  return 'dropped';
}
