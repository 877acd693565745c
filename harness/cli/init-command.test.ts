import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/config.ts';
import { UsageError } from '../core/errors.ts';
import { initCommand, starterFiles } from './init-command.ts';

const HARNESS = pathToFileURL(join(import.meta.dirname, '..', 'index.ts')).href;

/** Write what init writes, importing this checkout's public API instead of the installed package. */
function writeStarter(kind: 'http' | 'postgres' | 'mariadb'): string {
  const dir = mkdtempSync(join(tmpdir(), `chaos-init-${kind}-`));
  for (const file of starterFiles(kind))
    writeFileSync(
      join(dir, file.name),
      file.content.replaceAll("'concurrency-chaos-harness'", `'${HARNESS}'`),
    );
  return dir;
}

describe('chaos init', () => {
  it.each(['http', 'postgres', 'mariadb'] as const)(
    'writes a config and a %s starter target that load, validate and use a library checker',
    async (kind) => {
      const dir = writeStarter(kind);
      const config = validateConfig(
        (await import(pathToFileURL(join(dir, 'chaos.config.ts')).href)).default,
        'c',
      );
      const [target] = config.targets!;
      expect(target!.checkers.map((c) => c.name)).toEqual(['no-lost-update']);
      expect(config.scenarios!.map((s) => s.name)).toEqual([
        `${target!.name}-concurrent`,
        `${target!.name}-faults`,
      ]);
      // No variants: the system as it is, which must hold.
      expect(target!.variants).toEqual({ 'as-is': { description: 'the system as it is', broken: false } });
      expect(kind === 'http' ? target!.service : target!.database).toEqual(
        kind === 'http' ? { command: 'node', args: ['server.js'], readyPath: '/' } : kind,
      );
    },
  );

  it('never overwrites a file: with one in the way, it writes nothing and says which (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-init-taken-'));
    writeFileSync(join(dir, 'my-service.target.ts'), 'mine');
    expect(() => initCommand({ command: 'init' }, dir)).toThrow(UsageError);
    expect(() => initCommand({ command: 'init' }, dir)).toThrow(
      `init: ${join(dir, 'my-service.target.ts')} already exists; init never overwrites a file (nothing was written)`,
    );
    expect(readFileSync(join(dir, 'my-service.target.ts'), 'utf8')).toBe('mine');
    expect(() => readFileSync(join(dir, 'chaos.config.ts'))).toThrow(/ENOENT/);
  });

  it('writes into an empty folder and says how to run it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-init-empty-'));
    expect(initCommand({ command: 'init', initKind: 'postgres' }, dir)).toBe(0);
    expect(readFileSync(join(dir, 'chaos.config.ts'), 'utf8')).toContain(
      "import { myTable } from './my-table.target.ts'",
    );
    expect(readFileSync(join(dir, 'my-table.target.ts'), 'utf8')).toContain("database: 'postgres'");
  });
});
