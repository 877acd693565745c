/**
 * Data flows one way: this test reads every import line of the production
 * code and fails on one that breaks the direction table below (the same
 * table and a picture of the folders are in docs/architecture.md).
 * Tests may import anything; production code never imports a test fixture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = normalize(join(import.meta.dirname, '..'));

/** Each layer, and the layers its production modules may import (besides its own). */
const ALLOWED_IMPORTS: Record<string, string[]> = {
  'harness/core': [],
  'harness/checkers': ['harness/core'],
  'harness/providers': ['harness/core'],
  'harness/config': ['harness/core'],
  'harness/faults': ['harness/core', 'harness/providers'],
  'harness/testing': ['harness/core', 'harness/providers'],
  targets: ['harness/core', 'harness/checkers', 'harness/providers'],
  load: ['harness/core', 'harness/providers'],
  properties: ['harness/core', 'harness/checkers', 'harness/providers'],
  reports: ['harness/core', 'properties'],
  // The public API a user's target and config import: re-exports only. runScenario comes from the
  // CLI's api.ts, as only the composition root wires providers, faults and load.
  'harness/index.ts': [
    'harness/core',
    'harness/checkers',
    'harness/config',
    'harness/providers',
    'harness/cli/api.ts',
  ],
  // The package's `/vitest` entry: matchers over the public API's results.
  'harness/vitest.ts': ['harness/index.ts'],
  examples: ['harness/index.ts'],
  // Composition roots: the CLI, and the bench (a command of its own).
  'harness/cli': ['*'],
  'harness/cli/api.ts': ['*'],
  'load/bench': ['*'],
};

/** The most specific layer a repository path belongs to. */
function layerOf(path: string): string | undefined {
  return Object.keys(ALLOWED_IMPORTS)
    .filter((layer) => path === layer || path.startsWith(`${layer}/`))
    .sort((a, b) => b.length - a.length)[0];
}

function importProblem(from: string, to: string): string | undefined {
  const source = layerOf(from);
  const target = layerOf(to);
  if (!source) return `${from} is in no layer of the table`;
  if (!target) return `${from} imports ${to}, which is in no layer of the table`;
  if (/(^|\/)testing\/|\.test\.ts$/.test(to) && !/(^|\/)testing\//.test(from))
    return `${from} imports the test fixture ${to}`;
  if (source === target) return undefined;
  const allowed = ALLOWED_IMPORTS[source]!;
  if (allowed.includes('*') || allowed.includes(target)) return undefined;
  return `${from} (${source}) imports ${to} (${target}); ${source} may import only ${allowed.join(', ') || 'itself'}`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return ['node_modules', '.git', 'chaos-report'].includes(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Relative module specifiers of a file's static and dynamic imports and re-exports. */
function relativeImports(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"](\.\.?\/[^'"]+)['"]/gm);
  return [...found].map((match) => match[1]!);
}

describe('import direction', () => {
  it('every production import follows the table', () => {
    const files = ['harness', 'targets', 'load', 'properties', 'reports', 'examples'].flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap((file) =>
      relativeImports(readFileSync(join(ROOT, file), 'utf8')).flatMap((specifier) => {
        const to = relative(ROOT, normalize(join(ROOT, dirname(file), specifier)));
        return importProblem(file, to) ?? [];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('catches an import against the direction, a test fixture and an unknown folder', () => {
    expect(importProblem('harness/core/runner.ts', 'load/drive-load.ts')).toMatch(/may import only itself/);
    expect(importProblem('reports/terminal.ts', 'harness/providers/db.ts')).toMatch(/may import only/);
    expect(importProblem('load/bench/index.ts', 'reports/testing/fake-results.ts')).toMatch(/test fixture/);
    expect(importProblem('scripts/x.ts', 'harness/core/rng.ts')).toMatch(/in no layer/);
    expect(importProblem('targets/saga/index.ts', 'harness/core/target.ts')).toBeUndefined();
    expect(importProblem('harness/cli/main.ts', 'targets/index.ts')).toBeUndefined();
    expect(importProblem('harness/index.ts', 'harness/cli/api.ts')).toBeUndefined();
    expect(importProblem('harness/index.ts', 'harness/cli/run-command.ts')).toMatch(/may import only/);
  });

  it('reads static, dynamic and re-export specifiers', () => {
    const source =
      "import { a } from './a.ts';\nexport { b } from '../b.ts';\nconst c = await import('./c.ts');\nimport './d.ts';\nimport x from 'node:fs';";
    expect(relativeImports(source)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts']);
  });
});
