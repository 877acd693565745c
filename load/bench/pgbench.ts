/**
 * The reference for the SQL benchmark: `pgbench -M prepared` running the same
 * versioned-update transaction as the postgres-versioning target (read the
 * row, update it if the version is unchanged) against the same server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ConnectionInfo } from '../../harness/core/database.ts';

const run = promisify(execFile);

/** The target's two statements, in pgbench's script language. */
export function versionedUpdateScript(rows: number): string {
  return [
    `\\set id random(1, ${rows})`,
    'SELECT version, first_name FROM employee WHERE id = :id \\gset',
    "UPDATE employee SET first_name = 'pgbench', version = version + 1 WHERE id = :id AND version = :version RETURNING version;",
    '',
  ].join('\n');
}

export interface PgbenchResult {
  tps: number;
  transactions: number;
}

export async function runPgbench(
  database: ConnectionInfo,
  options: { clients: number; seconds: number; rows: number; threads?: number },
): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-pgbench-'));
  const script = join(dir, 'versioned-update.sql');
  writeFileSync(script, versionedUpdateScript(options.rows));
  try {
    const { stdout } = await run(
      'pgbench',
      [
        '-n',
        '-M',
        'prepared',
        '-c',
        String(options.clients),
        '-j',
        String(options.threads ?? 1),
        '-T',
        String(options.seconds),
        '-f',
        script,
        '-h',
        database.host,
        '-p',
        String(database.port),
        '-U',
        database.user,
        database.database,
      ],
      { env: { ...process.env, PGPASSWORD: database.password } },
    );
    const tps = /tps = ([\d.]+)/.exec(stdout);
    const transactions = /number of transactions actually processed: (\d+)/.exec(stdout);
    if (!tps || !transactions) throw new Error(`could not read pgbench output:\n${stdout}`);
    return { tps: Number(tps[1]), transactions: Number(transactions[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
