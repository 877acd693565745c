/**
 * The two databases of the CQRS target: the write model (accounts and the
 * events each deposit appends in the same transaction) and the read model
 * (one denormalised view per read replica, each fed by its own projector).
 */

export const REPLICAS = ['a', 'b'] as const;
export type Replica = (typeof REPLICAS)[number];

/** How often each replica's projector polls for new events: b lags behind a on purpose. */
export const POLL_MS: Record<Replica, number> = { a: 10, b: 120 };

export const WRITE_SCHEMA = [
  'CREATE TABLE accounts (id TEXT PRIMARY KEY, balance BIGINT NOT NULL, version INT NOT NULL)',
  // committed_at: clock_timestamp() when the event is inserted, just before its commit. The read
  // model's applied_at is taken on the same server (both databases are on it), so the difference is the lag.
  `CREATE TABLE events (
    seq BIGSERIAL PRIMARY KEY,
    account TEXT NOT NULL,
    version INT NOT NULL,
    amount BIGINT NOT NULL,
    committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (account, version))`,
];

export const READ_SCHEMA = [
  `CREATE TABLE account_view (
    replica TEXT NOT NULL, id TEXT NOT NULL, balance BIGINT NOT NULL, version INT NOT NULL,
    PRIMARY KEY (replica, id))`,
  'CREATE TABLE cursors (replica TEXT PRIMARY KEY, seq BIGINT NOT NULL)',
  // Every time a projector applied an event: a redelivered event applied twice shows up twice.
  `CREATE TABLE applied (
    replica TEXT NOT NULL, account TEXT NOT NULL, version INT NOT NULL,
    committed_at TIMESTAMPTZ NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())`,
  `INSERT INTO cursors (replica, seq) VALUES ('a', 0), ('b', 0)`,
];
