/**
 * The reference for the MariaDB benchmark: `mariadb-slap` running the
 * mariadb-upsert target's statement (the article's INSERT ... ON DUPLICATE
 * KEY UPDATE ... RETURNING) with the same concurrency, a fresh uuid and a
 * random one of the same emails per call (chosen by the server: UUID(), RAND()).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ConnectionInfo } from '../../harness/core/database.ts';

const run = promisify(execFile);

/** Ten times a normal round (about 2 s): only a deadlock storm takes this long. */
export const SLAP_TIMEOUT_MS = 20_000;

/** On one line: mariadb-slap reads each line of --query as a statement of its own. */
export function upsertQuery(emails: number): string {
  return `INSERT INTO employee (uuid, first_name, last_name, email_address)
    VALUES (UUID(), 'Antonio', 'Alexander', CONCAT('employee', FLOOR(RAND() * ${emails}), '@example.com'))
    ON DUPLICATE KEY UPDATE first_name='Antonio', last_name='Alexander', version=version+1
    RETURNING uuid, first_name, last_name, email_address, version`.replace(/\s*\n\s*/g, ' ');
}

export interface SlapResult {
  seconds: number;
  /** Statements that failed (mariadb-slap reports deadlocks and goes on, it does not retry). */
  errors: number;
}

/** Run `queriesPerClient` upserts on each of `clients` connections; returns mariadb-slap's own timing. */
export async function runMariadbSlap(
  database: ConnectionInfo,
  options: { clients: number; queriesPerClient: number; emails: number },
): Promise<SlapResult> {
  const { stdout, stderr } = await run(
    'mariadb-slap',
    [
      `--host=${database.host}`,
      `--port=${database.port}`,
      `--user=${database.user}`,
      '--protocol=tcp',
      `--create-schema=${database.database}`,
      '--no-drop',
      `--concurrency=${options.clients}`,
      '--iterations=1',
      `--number-of-queries=${options.clients * options.queriesPerClient}`,
      `--query=${upsertQuery(options.emails)}`,
    ],
    // The password through the environment, never on a command line others can read.
    {
      env: { ...process.env, MYSQL_PWD: database.password },
      maxBuffer: 512 * 1024 * 1024,
      timeout: SLAP_TIMEOUT_MS,
    },
  );
  const seconds = /Average number of seconds to run all queries: ([\d.]+)/.exec(stdout);
  if (!seconds) throw new Error(`could not read mariadb-slap output:\n${stdout}${stderr}`);
  return { seconds: Number(seconds[1]), errors: (stderr.match(/^mariadb-slap: /gm) ?? []).length };
}
