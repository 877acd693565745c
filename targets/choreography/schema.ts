/**
 * The choreographed saga's services and what they publish to whom. Each
 * service has its own Postgres database with its state, an outbox (events it
 * publishes, written in the transaction that changed the state) and an inbox
 * (events it consumed, by id, so a redelivery is applied once).
 */
import { CUSTOMERS, INITIAL_BALANCE, INITIAL_STOCK, SKUS } from '../saga/schema.ts';

/** The same customers, skus and starting balances and stock as the orchestrated saga's, so its checkers serve. */
export { CUSTOMERS, INITIAL_BALANCE, INITIAL_STOCK, SKUS };

export const SERVICES = ['orders', 'inventory', 'payments'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** A sku nobody stocks: its orders are rejected by inventory, the saga's first way to fail. */
export const UNSTOCKED_SKU = 'sku-unstocked';

/** Who consumes each event type; the rest (the orders' final events) end a saga and go to nobody. */
export const SUBSCRIBERS: Record<string, ServiceName[]> = {
  OrderPlaced: ['inventory'],
  StockReserved: ['payments'],
  StockRejected: ['orders'],
  PaymentCharged: ['orders'],
  PaymentFailed: ['inventory'],
  StockReleased: ['orders'],
  OrderConfirmed: [],
  OrderCancelled: [],
};

const EVENT_TABLES = [
  `CREATE TABLE outbox (
    seq BIGSERIAL PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    order_id TEXT NOT NULL,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    published_at TIMESTAMPTZ,
    attempts INT NOT NULL DEFAULT 0)`,
  `CREATE TABLE inbox (
    event_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    order_id TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())`,
];

export const SCHEMAS: Record<ServiceName, string[]> = {
  orders: [
    `CREATE TABLE orders (
      id TEXT PRIMARY KEY, customer TEXT NOT NULL, sku TEXT NOT NULL, qty INT NOT NULL,
      amount BIGINT NOT NULL, card TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')))`,
    ...EVENT_TABLES,
  ],
  inventory: [
    `CREATE TABLE stock (sku TEXT PRIMARY KEY, available INT NOT NULL CHECK (available >= 0), reserved INT NOT NULL DEFAULT 0)`,
    `CREATE TABLE reservations (
      order_id TEXT PRIMARY KEY, sku TEXT NOT NULL, qty INT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('RESERVED', 'RELEASED')))`,
    ...EVENT_TABLES,
    `INSERT INTO stock (sku, available) VALUES ${SKUS.map((s) => `('${s}', ${INITIAL_STOCK})`).join(', ')}`,
  ],
  payments: [
    'CREATE TABLE accounts (customer TEXT PRIMARY KEY, balance BIGINT NOT NULL)',
    `CREATE TABLE charges (
      id BIGSERIAL PRIMARY KEY, order_id TEXT NOT NULL, customer TEXT NOT NULL, amount BIGINT NOT NULL)`,
    ...EVENT_TABLES,
    `INSERT INTO accounts (customer, balance) VALUES ${CUSTOMERS.map((c) => `('${c}', ${INITIAL_BALANCE})`).join(', ')}`,
  ],
};
