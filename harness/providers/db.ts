/**
 * Opening connections to the two database kinds with the settings the
 * harness relies on: loopback only, bounded connect time, and (for MariaDB)
 * the FOUND_ROWS flag off so an upsert tells insert (1), update (2) and
 * no-change (0) apart.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { ConnectionInfo } from '../core/database.ts';

export const CONNECT_TIMEOUT_MS = 10_000;

export type MariaDbConnection = mysql.Connection;
export type PostgresClient = pg.Client;

export async function connectMariaDb(
  info: ConnectionInfo,
  database = info.database,
): Promise<MariaDbConnection> {
  return mysql.createConnection({
    host: info.host,
    port: info.port,
    user: info.user,
    password: info.password,
    database,
    connectTimeout: info.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    flags: ['-FOUND_ROWS'],
    // Keep BIGINT ids as numbers when they fit and never lose precision silently.
    supportBigNumbers: true,
    bigNumberStrings: false,
    // No stack capture on every query (a tenth of the client's CPU under load); errors keep their codes.
    trace: false,
  });
}

export async function connectPostgres(
  info: ConnectionInfo,
  database = info.database,
): Promise<PostgresClient> {
  const client = new pg.Client({
    host: info.host,
    port: info.port,
    user: info.user,
    password: info.password,
    database,
    connectionTimeoutMillis: info.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
  });
  // An error on an idle client (server killed, connection terminated) must not crash the run;
  // the next query on it fails and the operation is recorded as `info`.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    // A refused connection (a wrong or missing password) would otherwise keep its socket open
    // until the server's authentication timeout (60 s), and the process with it.
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

/** Run a few admin statements on a short-lived connection. */
export async function adminQuery(
  info: ConnectionInfo,
  statements: string[],
  database = info.database,
): Promise<void> {
  if (info.kind === 'mariadb') {
    const connection = await connectMariaDb(info, database);
    try {
      for (const sql of statements) await connection.query(sql);
    } finally {
      await connection.end().catch(() => {});
    }
    return;
  }
  const client = await connectPostgres(info, database);
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** One admin query with parameters (`?` for MariaDB, `$1` for Postgres), its rows as objects. */
export async function adminRows(
  info: ConnectionInfo,
  sql: string,
  params: unknown[],
): Promise<Record<string, unknown>[]> {
  if (info.kind === 'mariadb') {
    const connection = await connectMariaDb(info);
    try {
      const [rows] = await connection.query(sql, params);
      return rows as Record<string, unknown>[];
    } finally {
      await connection.end().catch(() => {});
    }
  }
  const client = await connectPostgres(info);
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Quote an identifier we generated ourselves (letters, digits, underscores only). */
export function safeIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`refusing unsafe database identifier: ${JSON.stringify(name)}`);
  return name;
}
