/** The four databases of the saga target, one per service, and their seed data. */

export const SERVICES = ['orders', 'payments', 'inventory', 'orchestrator'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const INITIAL_STOCK = 1_000_000;
export const INITIAL_BALANCE = 1_000_000;
export const SKUS = ['sku-0', 'sku-1', 'sku-2'];
export const CUSTOMERS = ['customer-0', 'customer-1', 'customer-2', 'customer-3'];

/** Stored results of mutating requests, by Idempotency-Key, with an expiry. */
const IDEMPOTENCY = `CREATE TABLE idempotency (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  status INT NOT NULL,
  response JSONB NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
)`;

export const SCHEMAS: Record<ServiceName, string[]> = {
  orders: [
    `CREATE TABLE orders (
      id TEXT PRIMARY KEY,
      customer TEXT NOT NULL,
      sku TEXT NOT NULL,
      qty INT NOT NULL,
      amount BIGINT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED'))
    )`,
    IDEMPOTENCY,
  ],
  inventory: [
    `CREATE TABLE stock (
      sku TEXT PRIMARY KEY,
      available INT NOT NULL CHECK (available >= 0),
      reserved INT NOT NULL DEFAULT 0
    )`,
    `CREATE TABLE reservations (
      order_id TEXT PRIMARY KEY,
      sku TEXT NOT NULL,
      qty INT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('RESERVED', 'RELEASED'))
    )`,
    IDEMPOTENCY,
    `INSERT INTO stock (sku, available) VALUES ${SKUS.map((s) => `('${s}', ${INITIAL_STOCK})`).join(', ')}`,
  ],
  payments: [
    `CREATE TABLE accounts (customer TEXT PRIMARY KEY, balance BIGINT NOT NULL)`,
    `CREATE TABLE charges (
      id BIGSERIAL PRIMARY KEY,
      order_id TEXT NOT NULL,
      idempotency_key TEXT,
      customer TEXT NOT NULL,
      amount BIGINT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('CHARGED', 'REFUNDED'))
    )`,
    IDEMPOTENCY,
    `INSERT INTO accounts (customer, balance) VALUES ${CUSTOMERS.map((c) => `('${c}', ${INITIAL_BALANCE})`).join(', ')}`,
  ],
  orchestrator: [
    `CREATE TABLE sagas (
      id TEXT PRIMARY KEY,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_hash TEXT NOT NULL,
      request JSONB NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED')),
      reason TEXT,
      -- The orchestrator's clock (ms since the epoch): when the saga began, and when it decided to
      -- complete or to compensate (its timeout bounds the difference).
      started_at_ms BIGINT NOT NULL,
      decided_at_ms BIGINT
    )`,
    `CREATE TABLE saga_steps (
      seq BIGSERIAL PRIMARY KEY,
      saga_id TEXT NOT NULL REFERENCES sagas (id),
      step TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('execute', 'compensate')),
      state TEXT NOT NULL CHECK (state IN ('started', 'done', 'failed'))
    )`,
  ],
};
