/**
 * A user's project: its config found in the current folder, only its own
 * scenarios run unless the built-in suite is asked for, and the command the
 * replay lines show. No server starts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtins } from '../../targets/index.ts';
import { postgresVersioning } from '../../targets/postgres-versioning/index.ts';
import { type ChaosConfig, loadConfig } from '../config/config.ts';
import { buildRegistry } from '../config/registry.ts';
import { chaosCommand } from './invocation.ts';
import { parseCli } from './options.ts';
import { planRun, scenariosInScope } from './run-command.ts';

/** A config of one scenario of its own, on a built-in target, as a file of that name. */
const configFile = (scenario: string) =>
  `export default { scenarios: [{ name: '${scenario}', description: 'mine', target: 'postgres-versioning', workload: { workers: 2 } }] };\n`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'user-project-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const scenarioNames = async (dir: string) =>
  ((await loadConfig(undefined, dir)).config.scenarios ?? []).map((s) => s.name);

describe('config discovery', () => {
  it('finds chaos.config.ts, .js or .mjs in the current folder, in that order', async () => {
    expect(await scenarioNames(project({ 'chaos.config.mjs': configFile('from-mjs') }))).toEqual([
      'from-mjs',
    ]);
    expect(await scenarioNames(project({ 'chaos.config.js': configFile('from-js') }))).toEqual(['from-js']);
    const all = project({
      'chaos.config.mjs': configFile('from-mjs'),
      'chaos.config.js': configFile('from-js'),
      'chaos.config.ts': configFile('from-ts'),
    });
    expect(await scenarioNames(all)).toEqual(['from-ts']);
    const { source } = await loadConfig(undefined, all);
    expect(source).toBe(join(all, 'chaos.config.ts'));
  });

  it('with --config, loads that file and no other; a missing one is an error', async () => {
    const dir = project({ 'chaos.config.ts': configFile('found'), 'other.config.mjs': configFile('named') });
    expect((await loadConfig('other.config.mjs', dir)).config.scenarios?.[0]?.name).toBe('named');
    await expect(loadConfig('chaos.config.js', dir)).rejects.toThrow(
      /config file not found: chaos.config.js/,
    );
  });

  it('names the file it found in a load error', async () => {
    const dir = project({ 'chaos.config.mjs': 'export const x = 1;\n' });
    await expect(loadConfig(undefined, dir)).rejects.toThrow(/chaos\.config\.mjs has no default export/);
  });
});

describe('what a run covers', () => {
  const mine: ChaosConfig = {
    targets: [{ ...postgresVersioning, name: 'my-versioning' }],
    scenarios: [{ name: 'my-scenario', description: 'mine', target: 'postgres-versioning', workload: {} }],
  };
  const registry = buildRegistry(builtins, mine);
  const scope = (argv: string[], config = mine) =>
    scenariosInScope(parseCli(argv), buildRegistry(builtins, config));

  it("with a config of its own, only the config's scenarios (and the default one of a target without any)", () => {
    expect(scope([])).toEqual(['my-scenario', 'my-versioning']);
  });

  it('the built-in suite with no config, a config of no scenario or target, or --builtin', () => {
    expect(scope([], {})).toBeUndefined();
    expect(scope([], { run: { workers: 2 } })).toBeUndefined();
    expect(scope(['--builtin'])).toBeUndefined();
  });

  it('whatever --scenario or --target names, built-in or not', () => {
    expect(scope(['--scenario', 'stale-version-mutation'])).toEqual(['stale-version-mutation']);
    expect(scope(['--scenario', 'my-scenario,timing-grid', '--builtin'])).toEqual([
      'my-scenario',
      'timing-grid',
    ]);
    expect(scope(['--target', 'postgres-versioning'])).toBeUndefined(); // the target filter selects
  });

  it('plans those runs: the config alone, or everything with --builtin', () => {
    const out = mkdtempSync(join(tmpdir(), 'scope-'));
    const plan = (argv: string[]) =>
      planRun(parseCli([...argv, '--out', out]), mine, registry, undefined).runs.map(
        (r) => `${r.scenario.name}/${r.variant}`,
      );
    expect(plan([])).toEqual([
      'my-scenario/correct',
      'my-scenario/blind-update',
      'my-versioning/correct',
      'my-versioning/blind-update',
    ]);
    expect(plan(['--variant', 'correct'])).toEqual(['my-scenario/correct', 'my-versioning/correct']);
    const everything = plan(['--builtin']);
    expect(everything).toContain('concurrent-create/correct');
    expect(everything).toContain('my-scenario/correct');
    expect(plan(['--target', 'postgres-versioning', '--variant', 'correct'])).toEqual([
      'stale-version-mutation/correct',
      'timing-grid/correct',
      'stale-version-mutation-faults/correct',
      'my-scenario/correct',
    ]);
  });

  it('--builtin is a run flag', () => {
    expect(parseCli(['--builtin'])).toEqual({ command: 'run', builtin: true });
    expect(() => parseCli(['list', '--builtin'])).toThrow(/--builtin does not apply to list/);
  });
});

describe('the command the replay lines show', () => {
  it('npm run chaos -- under the chaos script, npx chaos through the bin, else this repository', () => {
    expect(chaosCommand({ npm_lifecycle_event: 'chaos' }, '/repo/harness/cli/main.ts')).toBe(
      'npm run chaos --',
    );
    // A user's own `chaos` script that runs the bin.
    expect(chaosCommand({ npm_lifecycle_event: 'chaos' }, '/p/node_modules/.bin/chaos')).toBe(
      'npm run chaos --',
    );
    expect(chaosCommand({}, '/p/node_modules/.bin/chaos')).toBe('npx chaos');
    expect(chaosCommand({ npm_lifecycle_event: 'test' }, '/p/node_modules/.bin/chaos')).toBe('npx chaos');
    expect(chaosCommand({}, 'C:\\p\\node_modules\\concurrency-chaos-harness\\bin\\chaos.mjs')).toBe(
      'npx chaos',
    );
    expect(chaosCommand({}, '/repo/harness/cli/main.ts')).toBe('npm run chaos --');
    expect(chaosCommand({}, '/repo/node_modules/vitest/vitest.mjs')).toBe('npm run chaos --');
  });
});

describe('the chaos command', () => {
  it('exits once its work is done, even when a config or operation left a socket open', async () => {
    const dir = project({
      'chaos.config.mjs':
        "import { createServer } from 'node:net';\ncreateServer().listen(0);\nexport default {};\n",
    });
    const bin = new URL('../../bin/chaos.mjs', import.meta.url).pathname;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'list'], {
      cwd: dir,
      timeout: 20_000,
    });
    expect(stdout).toMatch(/^scenarios:/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
