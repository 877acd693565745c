/**
 * How the scheduler learns from the database which sessions wait for a lock,
 * on a connection of its own: Postgres `pg_blocking_pids`, MariaDB InnoDB
 * transactions in LOCK WAIT. Also how it names each client's session and
 * cancels a statement (to break a deadlock the database has not broken).
 */

import type { ConnectionInfo } from '../../harness/core/database.ts';
import { connectMariaDb, connectPostgres } from '../../harness/providers/db.ts';

/** Wait until the server no longer lists a killed session; one still there after 5 s is an error, not a guess. */
async function untilGone(session: number, listed: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (await listed()) {
    if (Date.now() > deadline) throw new Error(`session ${session} is still alive 5 s after it was killed`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface LockObserver<Conn = unknown> {
  /** The database's id of the session behind one of the target's connections. */
  sessionId(connection: Conn): Promise<number>;
  /** Sessions whose current statement waits for a lock held by another. */
  waitingSessions(): Promise<Set<number>>;
  /** Cancel the statement a session is running (it fails with the database's cancel error). */
  cancel(sessionId: number): Promise<void>;
  /** Kill the session's connection, and wait until the server has closed it. */
  terminate(sessionId: number): Promise<void>;
  close(): Promise<void>;
}

export async function postgresLockObserver(admin: ConnectionInfo, database: string): Promise<LockObserver> {
  const observer = await connectPostgres(admin);
  return {
    // pg.Client and the lean connection both keep the backend's pid the server greeted them with.
    sessionId: async (connection) => (connection as { processID: number }).processID,
    async waitingSessions() {
      const { rows } = await observer.query(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = $1 AND cardinality(pg_blocking_pids(pid)) > 0`,
        [database],
      );
      return new Set(rows.map((r) => Number(r.pid)));
    },
    async cancel(pid) {
      await observer.query('SELECT pg_cancel_backend($1)', [pid]);
    },
    async terminate(pid) {
      await observer.query('SELECT pg_terminate_backend($1)', [pid]);
      await untilGone(
        pid,
        async () =>
          (await observer.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length > 0,
      );
    },
    close: () => observer.end(),
  };
}

/** InnoDB's trx_i_s cache lifetime (TRX_I_S_CACHE_MIN_REFRESH_US), plus a margin. */
const INNODB_TRX_REFRESH_MS = 120;

export async function mariadbLockObserver(admin: ConnectionInfo): Promise<LockObserver> {
  // The admin account: reading INNODB_TRX needs the PROCESS privilege.
  const observer = await connectMariaDb(admin);
  let lastRead = 0;
  return {
    // mysql2 and the lean connection both keep the session id the server greeted them with.
    sessionId: async (connection) => (connection as { threadId: number }).threadId,
    async waitingSessions() {
      // InnoDB refreshes its INNODB_TRX snapshot only when nobody read it for 100 ms:
      // polling faster would keep showing a stale one, so reads are spaced out.
      const wait = lastRead + INNODB_TRX_REFRESH_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastRead = Date.now();
      const [rows] = await observer.query(
        "SELECT trx_mysql_thread_id AS id FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'",
      );
      return new Set((rows as { id: number }[]).map((r) => Number(r.id)));
    },
    async cancel(id) {
      await observer.query(`KILL QUERY ${Number(id)}`);
    },
    async terminate(id) {
      await observer.query(`KILL CONNECTION ${Number(id)}`);
      await untilGone(id, async () => {
        const [rows] = await observer.query('SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?', [
          id,
        ]);
        return (rows as unknown[]).length > 0;
      });
    },
    close: () => observer.end(),
  };
}

/** Observes the sessions of `database` from the server's admin account. */
export function lockObserverFor(
  kind: 'mariadb' | 'postgres',
  admin: ConnectionInfo,
  database: string,
): Promise<LockObserver> {
  return kind === 'postgres' ? postgresLockObserver(admin, database) : mariadbLockObserver(admin);
}
