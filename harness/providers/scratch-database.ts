/**
 * Each run of a target gets its own fresh database on the server, named
 * `chaos_<random>`, and drops it afterwards. The harness only ever drops
 * databases it created itself in this process.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionInfo, DatabaseServer } from '../core/database.ts';
import { adminQuery, safeIdentifier } from './db.ts';

const createdHere = new Set<string>();

export interface ScratchDatabase {
  info: ConnectionInfo;
  drop(): Promise<void>;
}

export async function createScratchDatabase(server: DatabaseServer): Promise<ScratchDatabase> {
  const name = safeIdentifier(`chaos_${randomBytes(6).toString('hex')}`);
  await adminQuery(server.admin, [`CREATE DATABASE ${name}`]);
  createdHere.add(name);
  return {
    info: { ...server.admin, database: name },
    async drop() {
      if (!createdHere.has(name)) throw new Error(`refusing to drop ${name}: not created by this run`);
      const statement =
        server.kind === 'postgres'
          ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`
          : `DROP DATABASE IF EXISTS ${name}`;
      await adminQuery(server.admin, [statement]);
      createdHere.delete(name);
    },
  };
}
