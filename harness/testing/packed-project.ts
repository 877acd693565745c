/**
 * The package as a user gets it: packed with `npm pack` (prepack builds
 * dist/) and unpacked into a project of its own in a temp folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface Packed {
  filename: string;
  files: { path: string }[];
}

/** `npm pack --json` into a temp folder: the tarball's name and its files. */
export function pack(destination: string): Packed {
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The JSON report is the output's last part (prepack's build may print before it).
  return (JSON.parse(output.slice(output.indexOf('[\n'))) as Packed[])[0]!;
}

/**
 * A user's project with the tarball unpacked in its node_modules, as npm
 * installs it; the package's own dependencies come from this repository's
 * node_modules, one folder up.
 */
export function userProject(tarball: string): string {
  const base = mkdtempSync(join(tmpdir(), 'package-user-'));
  symlinkSync(join(ROOT, 'node_modules'), join(base, 'node_modules'));
  const app = join(base, 'app');
  const installed = join(app, 'node_modules', 'concurrency-chaos-harness');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "type": "module" }\n');
  return app;
}
