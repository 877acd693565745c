/**
 * A server the user already runs, given as MARIADB_URL / POSTGRES_URL or in
 * the config. The harness never stops it and only drops databases it created.
 */
import {
  type ConnectionInfo,
  DATABASE_NAMES,
  type DatabaseKind,
  type DatabaseServer,
  ProviderUnavailable,
} from '../core/database.ts';
import { UsageError } from '../core/errors.ts';
import { bareHost, isLoopbackHost } from '../core/loopback.ts';
import { redact, registerSecret } from '../core/redact.ts';
import { adminQuery } from './db.ts';

const SCHEMES: Record<DatabaseKind, string[]> = {
  mariadb: ['mysql:', 'mariadb:'],
  postgres: ['postgres:', 'postgresql:'],
};
const DEFAULT_PORT: Record<DatabaseKind, number> = { mariadb: 3306, postgres: 5432 };
const ADMIN_DATABASE: Record<DatabaseKind, string> = { mariadb: 'mysql', postgres: 'postgres' };

export function parseDatabaseUrl(kind: DatabaseKind, url: string): ConnectionInfo {
  // A URL that is not one, or not one the harness may target, is bad input (exit 2), said before its
  // server is used (URLs are read when a run first needs that kind of database).
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      // Not echoed: a malformed URL may hold a password where no pattern would find it.
      `${kind} URL is not a valid URL (${url.length} characters, not shown: it may hold a password); ` +
        `use ${SCHEMES[kind][0]}//user:password@127.0.0.1:${DEFAULT_PORT[kind]}/database`,
    );
  }
  if (!SCHEMES[kind].includes(parsed.protocol)) {
    throw new UsageError(
      `${kind} URL must start with ${SCHEMES[kind].map((s) => `${s}//`).join(' or ')}, got ${parsed.protocol}//`,
    );
  }
  const host = parsed.hostname;
  if (!isLoopbackHost(host)) {
    throw new UsageError(
      `${kind} URL points at ${host}, which is not a loopback address: the harness only targets 127.0.0.1, ::1 or localhost`,
    );
  }
  const password = decodeURIComponent(parsed.password);
  registerSecret(password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || ADMIN_DATABASE[kind];
  return {
    kind,
    host: host === 'localhost' ? '127.0.0.1' : bareHost(host),
    port: parsed.port ? Number(parsed.port) : DEFAULT_PORT[kind],
    user: decodeURIComponent(parsed.username) || (kind === 'mariadb' ? 'root' : 'postgres'),
    password,
    database,
  };
}

/** How long proving a URL's server is there may take: its error must come within 10 s, exit included. */
const PROBE_TIMEOUT_MS = 5000;

/** Connect once to prove the server is there; a server that accepts but never answers fails after 5 s. */
export async function connectToUrl(kind: DatabaseKind, url: string): Promise<DatabaseServer> {
  const admin = parseDatabaseUrl(kind, url);
  try {
    await adminQuery({ ...admin, connectTimeoutMs: PROBE_TIMEOUT_MS }, ['SELECT 1']);
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const said =
      code === undefined ? message : message && !message.includes(code) ? `${code}: ${message}` : code;
    const reason = redact(said ?? 'no reason given');
    // The server answered but refused these credentials: not unreachable, and the fix is another.
    const refused =
      code === '28P01' || code === '28000' || code === 'ER_ACCESS_DENIED_ERROR' || /SASL/.test(message ?? '');
    throw new ProviderUnavailable(
      'url',
      `${kind} at ${redact(url)} ${refused ? 'refused the credentials' : 'is unreachable'} (${reason})`,
      refused
        ? 'fix the user or password in the URL'
        : 'start that server, fix the URL, or unset it to let the harness start its own',
    );
  }
  return {
    kind,
    provider: 'url',
    admin,
    description: `${DATABASE_NAMES[kind]} at ${redact(url)}`,
    async stop() {},
  };
}
