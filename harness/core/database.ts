/**
 * What a provider hands to the rest of the harness: a running database server
 * and the credentials to administer it. How it came up (URL, local process,
 * container) only matters to the provider and, later, to faults.
 */

export type DatabaseKind = 'mariadb' | 'postgres';

/** How messages name each kind of database. */
export const DATABASE_NAMES: Record<DatabaseKind, string> = { mariadb: 'MariaDB', postgres: 'Postgres' };
export type ProviderKind = 'url' | 'process' | 'container';

/**
 * Server configuration a target variant needs (e.g. a durability mutant that
 * turns off flushing). Only servers the harness starts itself can have it.
 */
export interface ServerSettings {
  /** Extra mariadbd options, e.g. `--innodb-flush-log-at-trx-commit=0`. */
  mariadbArgs?: string[];
  /** Extra Postgres settings, e.g. `{ fsync: 'off' }`. */
  postgresSettings?: Record<string, string>;
}

export interface ConnectionInfo {
  kind: DatabaseKind;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** How long a connection may take to open; the drivers' default is CONNECT_TIMEOUT_MS (db.ts). */
  connectTimeoutMs?: number;
}

export interface DatabaseServer {
  kind: DatabaseKind;
  provider: ProviderKind;
  /** Credentials with rights to create and drop databases; `database` is the admin database. */
  admin: ConnectionInfo;
  /** Human-readable, password-free description ("mariadb 10.11 process on 127.0.0.1:41234"). */
  description: string;
  /** Stop the server if this provider started it; a URL server is left alone. */
  stop(): Promise<void>;
  /** How faults act on the server itself; absent for a server the harness did not start (a URL). */
  control?: ServerControl;
}

/**
 * What crash and pause faults can do to a server. The process provider does
 * all of it; a container can only be restarted (killed and started at once).
 */
export interface ServerControl {
  /** Kill the server abruptly; with `restartsImmediately`, it is already back when this returns. */
  crash(): Promise<void>;
  /** Start it again after a crash (no-op when it is running). */
  restart(): Promise<void>;
  readonly restartsImmediately: boolean;
  /** Freeze and thaw every process of the server; absent when the provider cannot. */
  pause?(): void;
  resume?(): void;
  readonly isPaused: boolean;
}

/** `host:port` as an address or URL needs it: an IPv6 host (::1) in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function connectionUrl(info: ConnectionInfo, database = info.database): string {
  const scheme = info.kind === 'mariadb' ? 'mysql' : 'postgres';
  const auth = `${encodeURIComponent(info.user)}:${encodeURIComponent(info.password)}`;
  return `${scheme}://${auth}@${hostPort(info.host, info.port)}/${encodeURIComponent(database)}`;
}

/** A provider could not bring the server up; `hint` tells the user how to fix it. */
export class ProviderUnavailable extends Error {
  constructor(
    readonly provider: ProviderKind,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}
