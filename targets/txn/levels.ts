/**
 * The isolation levels the `txn` targets run at, and the consistency model
 * (Adya's, as Elle names them) each is held to: what the database promises
 * at that level, not what the ANSI name suggests.
 */
import type { ConsistencyModel } from '../../harness/checkers/transactional/anomalies.ts';

export type TxnDatabase = 'postgres' | 'mariadb';

export interface IsolationLevel {
  /** The variant's name, e.g. `repeatable-read`. */
  variant: string;
  /** As SQL names it, e.g. `REPEATABLE READ`. */
  sql: string;
  /** The model the level's histories must hold. */
  holds: ConsistencyModel;
  why: string;
}

export const LEVELS: Record<TxnDatabase, IsolationLevel[]> = {
  postgres: [
    { variant: 'read-committed', sql: 'READ COMMITTED', holds: 'read-committed', why: 'as named' },
    {
      variant: 'repeatable-read',
      sql: 'REPEATABLE READ',
      holds: 'snapshot-isolation',
      why: "Postgres' repeatable read is snapshot isolation: it allows write skew",
    },
    {
      variant: 'serializable',
      sql: 'SERIALIZABLE',
      holds: 'serializable',
      why: 'serializable snapshot isolation',
    },
  ],
  mariadb: [
    { variant: 'read-uncommitted', sql: 'READ UNCOMMITTED', holds: 'read-uncommitted', why: 'as named' },
    { variant: 'read-committed', sql: 'READ COMMITTED', holds: 'read-committed', why: 'as named' },
    {
      variant: 'repeatable-read',
      sql: 'REPEATABLE READ',
      holds: 'read-committed',
      // Hermitage and Jepsen's MySQL 8.0.34 analysis: reads are from a snapshot, writes are not
      // (innodb_snapshot_isolation, MariaDB 11.8, changes that).
      why: 'InnoDB repeatable read lets lost updates and read skew on writes through',
    },
    {
      variant: 'serializable',
      sql: 'SERIALIZABLE',
      holds: 'serializable',
      why: 'InnoDB serializable locks what it reads',
    },
  ],
};

/** The level a variant runs at; the broken variant runs at serializable. */
export function levelOf(database: TxnDatabase, variant: string): IsolationLevel {
  return (
    LEVELS[database].find((l) => l.variant === variant) ??
    LEVELS[database].find((l) => l.variant === 'serializable')!
  );
}
