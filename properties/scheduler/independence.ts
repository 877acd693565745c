/**
 * Which statements of two clients commute: released one right after the
 * other, either order gives each the same result and leaves the database in
 * the same state. The exhaustive explorer runs only one order of such a pair.
 *
 * Decided from the statement's text alone, and only where that is safe on
 * both Postgres and MariaDB (InnoDB):
 * - opening a transaction (BEGIN, START TRANSACTION, SET TRANSACTION) reads
 *   and locks nothing: both take the snapshot at the first read, not here
 *   (START TRANSACTION WITH CONSISTENT SNAPSHOT takes it at once, so it is not
 *   in this group);
 * - two plain reads change nothing the other sees (a plain read under
 *   MariaDB's SERIALIZABLE takes shared locks, and shared locks commute).
 * Anything else, including a read that locks rows, calls a function that may
 * have effects, or writes into a variable, is treated as depending on every
 * other statement.
 */

const OPENS_TRANSACTION = /^(begin|start\s+transaction|set\s+(session\s+)?transaction)\b/i;
const TAKES_SNAPSHOT_AT_ONCE = /consistent\s+snapshot/i;
const PLAIN_READ = /^(select|with)\b/i;
/** Words that make a read lock, write, or have effects beyond its result. */
const NOT_PLAIN =
  /\b(for\s+(update|share|no\s+key\s+update|key\s+share)|lock\s+in\s+share\s+mode|into|insert|update|delete|nextval|setval|lock|sleep)\b|\bpg_|\bget_lock|\brelease_lock/i;

function opensTransaction(sql: string): boolean {
  return OPENS_TRANSACTION.test(sql.trim()) && !TAKES_SNAPSHOT_AT_ONCE.test(sql);
}

function plainRead(sql: string): boolean {
  return PLAIN_READ.test(sql.trim()) && !NOT_PLAIN.test(sql);
}

/** Statements `a` and `b` of two different clients commute. */
export function independent(a: string, b: string): boolean {
  return opensTransaction(a) || opensTransaction(b) || (plainRead(a) && plainRead(b));
}
