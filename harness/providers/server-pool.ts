/**
 * One server per database kind for a whole suite, started on first use and
 * stopped at the end (or on Ctrl-C), so ten scenarios do not start ten servers.
 */

import type { DatabaseKind, DatabaseServer, ServerSettings } from '../core/database.ts';
import { ProviderUnavailable } from '../core/database.ts';
import { EnvironmentError } from '../core/errors.ts';
import { redact } from '../core/redact.ts';
import { acquireServer, type ProviderPreference } from './select.ts';
import { startToxiproxy, type ToxiproxyService } from './toxiproxy.ts';

export interface ServerPoolOptions {
  preference: ProviderPreference;
  urls: Partial<Record<DatabaseKind, string>>;
  /** Servers the harness starts run under SCHED_BATCH: for `npm run bench` only (see AcquireOptions). */
  batchScheduling?: boolean;
}

export class ServerPool {
  /** Keyed by kind plus settings: a variant with its own server settings gets its own server. */
  private readonly servers = new Map<string, Promise<DatabaseServer>>();
  private proxyService: Promise<ToxiproxyService> | undefined;

  constructor(private readonly options: ServerPoolOptions) {}

  get(kind: DatabaseKind, settings?: ServerSettings): Promise<DatabaseServer> {
    const key = settings ? `${kind} ${JSON.stringify(settings)}` : kind;
    let server = this.servers.get(key);
    if (!server) {
      const url = this.options.urls[kind];
      server = acquireServer(kind, {
        preference: this.options.preference,
        ...(url ? { url } : {}),
        ...(settings ? { settings } : {}),
        ...(this.options.batchScheduling ? { batchScheduling: true } : {}),
      }).catch((error: unknown) => {
        if (error instanceof ProviderUnavailable) {
          const hint = error.hint ? `; ${error.hint}` : '';
          throw new EnvironmentError(
            redact(`cannot bring up ${kind} (${error.provider} provider): ${error.message}${hint}`),
          );
        }
        throw error;
      });
      this.servers.set(key, server);
    }
    return server;
  }

  /** Toxiproxy for network faults, started on first use. */
  toxiproxy(): Promise<ToxiproxyService> {
    this.proxyService ??= startToxiproxy().catch((error: unknown) => {
      if (error instanceof ProviderUnavailable) {
        throw new EnvironmentError(redact(`cannot bring up Toxiproxy: ${error.message}; ${error.hint}`));
      }
      throw error;
    });
    return this.proxyService;
  }

  /** Descriptions of the servers that came up, for the report. */
  async describe(): Promise<string[]> {
    const settled = await Promise.allSettled([
      ...this.servers.values(),
      ...(this.proxyService ? [this.proxyService] : []),
    ]);
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.description] : []));
  }

  async stopAll(): Promise<void> {
    const settled = await Promise.allSettled([
      ...this.servers.values(),
      ...(this.proxyService ? [this.proxyService] : []),
    ]);
    this.servers.clear();
    this.proxyService = undefined;
    await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  }
}
