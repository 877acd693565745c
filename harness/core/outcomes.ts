/**
 * Turning a thrown error into an outcome. Only errors that prove the database
 * did not apply the operation are `fail`; everything else (timeouts, dropped
 * connections, a server crash mid-call) is `info`: it may or may not have
 * happened.
 */
import type { Outcome } from './history.ts';

/** MariaDB errors that roll back the statement or the transaction. */
const MARIADB_DEFINITE = new Set([
  1022, // duplicate key on write
  1048, // column cannot be null
  1062, // duplicate entry
  1205, // lock wait timeout (statement rolled back)
  1213, // deadlock (transaction rolled back)
  1364, // field has no default
  1406, // data too long
  1451, // cannot delete a parent row (foreign key)
  1452, // cannot add a child row (foreign key)
  1020, // record changed since last read (snapshot isolation)
  1317, // query interrupted (KILL QUERY): the statement was aborted
]);

/** Postgres SQLSTATE classes that mean the statement (and its transaction) did not commit. */
const POSTGRES_DEFINITE_CLASSES = ['22', '23', '40', '42'];
/** Single SQLSTATEs outside those classes that are just as definite. */
// query_canceled (pg_cancel_backend, statement_timeout); lock_not_available (lock_timeout, NOWAIT).
const POSTGRES_DEFINITE_CODES = new Set(['57014', '55P03']);

export function classifyError(error: unknown): Exclude<Outcome, 'ok'> {
  const e = error as { errno?: number; code?: string; sqlState?: string; fatal?: boolean; notSent?: boolean };
  if (e?.notSent) return 'fail'; // refused before anything reached the server
  if (e?.fatal) return 'info'; // mysql2 marks connection-level errors fatal
  if (typeof e?.errno === 'number' && MARIADB_DEFINITE.has(e.errno)) return 'fail';
  // pg puts the SQLSTATE in `code`; node errors use names like ECONNRESET there.
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    if (POSTGRES_DEFINITE_CLASSES.includes(e.code.slice(0, 2)) || POSTGRES_DEFINITE_CODES.has(e.code))
      return 'fail';
  }
  return 'info';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
