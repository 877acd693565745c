/**
 * The npm package as a user installs it: `npm pack` (which builds dist/
 * through prepack) holds the compiled API, its types, the vitest entry and
 * the bin, and no tests, fixtures or reports; installed in a project, its
 * main export imports, its types check and its `chaos` command runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pack, ROOT, userProject } from './testing/packed-project.ts';

describe('the npm package', () => {
  const destination = mkdtempSync(join(tmpdir(), 'package-'));
  const packed = pack(destination);
  const paths = packed.files.map((f) => f.path);

  it('holds the compiled API, its types, the vitest entry and the bin', () => {
    for (const path of [
      'package.json',
      'bin/chaos.mjs',
      'dist/harness/index.js',
      'dist/harness/index.d.ts',
      'dist/harness/vitest.js',
      'dist/harness/vitest.d.ts',
      'dist/harness/cli/main.js',
      'dist/reports/html/client/start.js',
      'dist/targets/saga/services/main.js',
    ])
      expect(paths).toContain(path);
  });

  it('holds no tests, test fixtures, reports, benchmark or TypeScript source', () => {
    const unwanted = paths.filter(
      (path) =>
        /\.test\.|(^|\/)testing\/|chaos-report|\.bench|(^|\/)bench\/|^examples\//.test(path) ||
        (path.endsWith('.ts') && !path.endsWith('.d.ts')),
    );
    expect(unwanted).toEqual([]);
  });

  it("installed in a user's project: imports, type-checks and runs its chaos command from dist", () => {
    const app = userProject(join(destination, packed.filename));
    const node = (args: string[], cwd = app) => {
      try {
        return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        const { stdout, stderr } = error as { stdout: string; stderr: string };
        throw new Error(`node ${args.join(' ')} failed:\n${stdout}${stderr}`);
      }
    };
    expect(
      node([
        '-e',
        "import('concurrency-chaos-harness').then((m) => console.log(typeof m.runScenario))",
      ]).trim(),
    ).toBe('function');

    writeFileSync(
      join(app, 'uses-it.ts'),
      [
        "import { expect } from 'vitest';",
        "import { defineConfig, runScenario } from 'concurrency-chaos-harness';",
        "import 'concurrency-chaos-harness/vitest';",
        "const results = await runScenario(defineConfig({}), { scenario: 'stale-version-mutation' });",
        'expect(results).toHold();',
        'expect(results.runs[0]).toBeCaught();',
        '// @ts-expect-error: no such matcher',
        'expect(results).toHoldd();',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        include: ['uses-it.ts'],
      }),
    );
    node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app]);

    // The user's config is TypeScript, found in the current folder, and the bin loads it through tsx,
    // in an ES module project and in a CommonJS one.
    const commonJs = join(app, 'commonjs');
    mkdirSync(commonJs);
    writeFileSync(join(commonJs, 'package.json'), '{ "name": "commonjs-app" }\n');
    const bin = join(app, 'node_modules', 'concurrency-chaos-harness', 'bin', 'chaos.mjs');
    for (const project of [app, commonJs]) {
      writeFileSync(
        join(project, 'chaos.config.ts'),
        "import { defineConfig } from 'concurrency-chaos-harness';\nexport default defineConfig({ scenarios: [{ name: 'mine', description: 'a user scenario', target: 'postgres-versioning', workload: {} }] });\n",
      );
      expect(node([bin, 'list'], project)).toMatch(
        / {2}mine {2,}target postgres-versioning: a user scenario/,
      );
    }
  });
});
