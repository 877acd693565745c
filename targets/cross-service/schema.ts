/** The two databases of the cross-service target: employees in MariaDB, timers in Postgres. */

export const EMPLOYEES_SCHEMA = [
  `CREATE TABLE employee (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    email VARCHAR(255) NOT NULL UNIQUE
  ) ENGINE = InnoDB`,
  // Events to publish, written in the same transaction as the change they announce.
  `CREATE TABLE outbox (
    event_id VARCHAR(64) NOT NULL PRIMARY KEY,
    type VARCHAR(64) NOT NULL,
    employee_id VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    published_at DATETIME(6) NULL,
    attempts INT NOT NULL DEFAULT 0,
    last_error TEXT NULL
  ) ENGINE = InnoDB`,
  // Events that kept failing, kept for a person to look at.
  `CREATE TABLE dead_letter (
    event_id VARCHAR(64) NOT NULL PRIMARY KEY,
    type VARCHAR(64) NOT NULL,
    employee_id VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    attempts INT NOT NULL,
    last_error TEXT NULL
  ) ENGINE = InnoDB`,
];

export const TIMERS_SCHEMA = [
  `CREATE TABLE timers (
    id TEXT PRIMARY KEY,
    employee_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  // Deduplication of consumed events, by event id.
  `CREATE TABLE processed_events (event_id TEXT PRIMARY KEY, processed_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
  // Every time an event's effect is applied: more than one row per event means it was processed twice.
  `CREATE TABLE event_log (seq BIGSERIAL PRIMARY KEY, event_id TEXT NOT NULL, employee_id TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
  // Employees known to be deleted, so a late timer create for one is refused.
  `CREATE TABLE deleted_employees (employee_id TEXT PRIMARY KEY)`,
];
