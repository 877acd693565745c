/**
 * A service under test: an HTTP server of the user's own (any language) that
 * the workers call. Either the harness starts it, supervised like the
 * built-in services, so `crash`, `pause` and `restart` faults reach it; or it
 * already runs at a loopback URL, and only network faults (through a
 * Toxiproxy proxy placed in front of it) and session kills on its own
 * database can reach it.
 */
import { UsageError } from './errors.ts';
import { isLoopbackHost } from './loopback.ts';

export interface StartedService {
  /** The program and its arguments, e.g. `python3`, `['service.py']`. */
  command: string;
  args?: string[];
  /** Working folder (default: the current one). */
  cwd?: string;
  /** Extra environment: fixed, or per variant (e.g. a flag that turns a mutant on). */
  env?: Record<string, string> | ((variant: string) => Record<string, string>);
  /**
   * The environment variable the port is passed in (default `PORT`); the service must listen on
   * 127.0.0.1 there. It also gets CHAOS_DATA_DIR, a folder of its own that survives a crash
   * restart within one pass, and DATABASE_URL when the target has a database.
   */
  portEnv?: string;
  /** A path that answers 2xx once the service is ready (default `/`). */
  readyPath?: string;
  /** How long the service may take to become ready (default 15 s). */
  readyTimeoutMs?: number;
  /** The service's own database, a loopback URL: `kill-connection` and `kill-query` end its sessions. */
  databaseUrl?: string;
}

export interface RunningService {
  /** Where it already runs: a loopback URL (only 127.0.0.1, ::1 and localhost are ever targets). */
  url: string;
  /** The service's own database, a loopback URL: `kill-connection` and `kill-query` end its sessions. */
  databaseUrl?: string;
}

export type ServiceSpec = StartedService | RunningService;

/** Where the workers reach the service in one pass (through the proxy when there are network faults). */
export interface ServiceEndpoint {
  url: string;
}

export function isStartedService(spec: ServiceSpec): spec is StartedService {
  return 'command' in spec;
}

/** The service's environment for one variant. */
export function serviceEnv(spec: StartedService, variant: string): Record<string, string> {
  return typeof spec.env === 'function' ? spec.env(variant) : (spec.env ?? {});
}

/** A URL the harness may send load and faults to: http(s) on a loopback host; else a UsageError naming `field`. */
export function loopbackUrl(text: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${field}: not a URL`);
  }
  if (!isLoopbackHost(url.hostname))
    throw new UsageError(
      `${field}: ${url.hostname} is not a loopback address; only 127.0.0.1, ::1 and localhost are ever targets`,
    );
  return url;
}
