/**
 * Finding an external tool's binary: an environment variable naming it, the
 * PATH, then where `go install` puts binaries (GOBIN, GOPATH/bin, ~/go/bin),
 * since the setup script installs k6 and Toxiproxy that way.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface BinaryLookup {
  /** Environment variable that names the binary outright (e.g. K6_BINARY). */
  envVar?: string;
  /** Names to look for on the PATH. */
  pathNames: string[];
  /** The name `go install` gives it, if it is installed that way. */
  goName?: string;
}

export function findBinary(lookup: BinaryLookup, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? '').split(':').filter(Boolean);
  const goDirs = [env.GOBIN, env.GOPATH && join(env.GOPATH, 'bin'), join(homedir(), 'go', 'bin')];
  const candidates = [
    lookup.envVar && env[lookup.envVar],
    ...lookup.pathNames.flatMap((name) => dirs.map((dir) => join(dir, name))),
    ...(lookup.goName ? goDirs.map((dir) => dir && join(dir, lookup.goName!)) : []),
  ];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
}

export const k6Binary = (env: NodeJS.ProcessEnv = process.env) =>
  findBinary({ envVar: 'K6_BINARY', pathNames: ['k6'], goName: 'k6' }, env);

export const wrkBinary = (env: NodeJS.ProcessEnv = process.env) =>
  findBinary({ envVar: 'WRK_BINARY', pathNames: ['wrk'] }, env);

/** Debian's /usr/bin/chromium is a wrapper script; the browser itself is in /usr/lib/chromium. */
export function chromiumBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (
    findBinary({ envVar: 'CHROMIUM_BINARY', pathNames: [] }, env) ??
    ['/usr/lib/chromium/chromium'].find((path) => existsSync(path)) ??
    findBinary({ pathNames: ['chromium', 'chromium-browser', 'google-chrome'] }, env)
  );
}
