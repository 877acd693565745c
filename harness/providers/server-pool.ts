/**
 * One server per database kind for a whole suite, started on first use and
 * stopped at the end (or on Ctrl-C), so ten scenarios do not start ten servers.
 */

import type { DatabaseKind, DatabaseServer, ServerSettings } from '../core/database.ts';
import { ProviderUnavailable } from '../core/database.ts';
import { EnvironmentError } from '../core/errors.ts';
import { redact } from '../core/redact.ts';
import { dropLeftoverDatabases } from './run-ledger.ts';
import { dropLeftoverScratchDatabase } from './scratch-database.ts';
import { acquireServer, type ProviderPreference } from './select.ts';
import { startToxiproxy, type ToxiproxyService } from './toxiproxy.ts';

export interface ServerPoolOptions {
  preference: ProviderPreference;
  urls: Partial<Record<DatabaseKind, string>>;
  /** Servers the harness starts run under SCHED_BATCH: for `npm run bench` only (see AcquireOptions). */
  batchScheduling?: boolean;
  /** Told one line for each thing done beyond the run itself (a killed run's databases dropped). */
  notice?: (line: string) => void;
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
      })
        .then(async (acquired) => {
          if (acquired.provider === 'url') await this.dropLeftovers(acquired);
          return acquired;
        })
        .catch((error: unknown) => {
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

  /** Drop the marked scratch databases that killed runs left on this server, and say so (run-ledger.ts). */
  private async dropLeftovers(server: DatabaseServer): Promise<void> {
    const { admin } = server;
    const where = `${server.kind} ${admin.host}:${admin.port}`;
    const { dropped, unmarked } = await dropLeftoverDatabases(admin, (name) =>
      dropLeftoverScratchDatabase(admin, name),
    );
    if (dropped.length > 0)
      this.options.notice?.(`dropped ${dropped.join(', ')} on ${where}, left by a killed run`);
    if (unmarked.length > 0)
      this.options.notice?.(
        `left alone ${unmarked.join(', ')} on ${where}: a killed run recorded it, but it lacks the harness's marker`,
      );
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
