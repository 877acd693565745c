/**
 * Issue #21's proof, as a user would go: the packed package installed in a
 * fresh project outside the repository, `npx chaos init --http`, then the
 * starter target edited to test the Python service in that folder. The
 * harness starts the service, crashes it, pauses it and slows it through
 * Toxiproxy; the compare-and-set mode holds, read-modify-write is caught by
 * an exported checker, and a vitest file of the project, using the package's
 * vitest entry, passes on the one and reports the violation on the other.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { pack, ROOT, userProject } from '../../harness/testing/packed-project.ts';

interface Ran {
  code: number;
  output: string;
}

let app: string;
let bin: string;

function run(command: string, args: string[]): Ran {
  try {
    const output = execFileSync(command, args, {
      cwd: app,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    return { code: 0, output: stripVTControlCharacters(output) };
  } catch (error) {
    const { status, stdout, stderr } = error as { status: number; stdout: string; stderr: string };
    return { code: status, output: stripVTControlCharacters(`${stdout}${stderr}`) };
  }
}
const chaos = (...args: string[]) => run(process.execPath, [bin, ...args]);

beforeAll(() => {
  const destination = mkdtempSync(join(tmpdir(), 'chaos-packed-'));
  app = userProject(join(destination, pack(destination).filename));
  bin = join(app, 'node_modules', 'concurrency-chaos-harness', 'bin', 'chaos.mjs');
}, 120_000);

describe("the packed harness on a user's own Python service", () => {
  it('init --http writes a starter config and target, and says how to run them', () => {
    const init = chaos('init', '--http');
    expect(init).toMatchObject({ code: 0 });
    expect(init.output).toContain('wrote chaos.config.ts and my-service.target.ts');
    expect(init.output).toContain('then run `npx chaos`');
    expect(chaos('init').code).toBe(2); // never overwrites
  });

  it('the user edits the starter to test their service: it holds, and its mutant is caught, under crash, pause and latency', () => {
    // What the user does: put their service beside it and describe it in the starter target.
    copyFileSync(join(import.meta.dirname, 'service.py'), join(app, 'service.py'));
    const target = readFileSync(join(import.meta.dirname, 'accounts.target.ts'), 'utf8')
      .replace("'../../harness/index.ts'", "'concurrency-chaos-harness'")
      .replace('export const pythonAccounts', 'export const myService')
      .replace("name: 'python-accounts'", "name: 'my-service'");
    writeFileSync(join(app, 'my-service.target.ts'), target);

    const faults = chaos('--scenario', 'my-service-faults', '--seed', '3', '--out', join(app, 'report'));
    expect(faults.output).toContain('correct variants held: 1/1; broken variants caught: 1/1');
    expect(faults.code).toBe(0);
    expect(faults.output).not.toContain('reached nothing');
    // The replay line is the command this user ran.
    expect(faults.output).toMatch(/replay: +npx chaos /);
    const results = JSON.parse(readFileSync(join(app, 'report', 'results.json'), 'utf8')) as {
      runs: {
        variant: string;
        checks: { checker: string; verdict: string }[];
        faultWindows: { fault: string }[];
      }[];
    };
    const broken = results.runs.find((r) => r.variant === 'read-modify-write')!;
    expect(broken.checks.find((c) => c.verdict === 'invalid')?.checker).toBe('no-lost-update');
    expect(broken.faultWindows.map((w) => w.fault)).toEqual(['crash', 'pause', 'network:latency']);
  });

  it("a vitest file of the project, with the package's matchers, passes on the correct mode and reports the violation on the broken one", () => {
    writeFileSync(
      join(app, 'service.test.ts'),
      `import { expect, it } from 'vitest';
import { runScenario } from 'concurrency-chaos-harness/vitest';
import config from './chaos.config.ts';

it('compare-and-set holds', async () => {
  expect(await runScenario(config, { scenario: 'my-service-concurrent', variant: 'compare-and-set', durationMs: 1500 })).toHold();
});

it('read-modify-write does not', async () => {
  const results = await runScenario(config, { scenario: 'my-service-concurrent', variant: 'read-modify-write', durationMs: 1500 });
  expect(results).toHold();
});
`,
    );
    const vitest = run(process.execPath, [
      join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--root',
      app,
      'service.test.ts',
    ]);
    expect(vitest.output).toMatch(/✓ .*compare-and-set holds/);
    expect(vitest.output).toMatch(/× .*read-modify-write does not/);
    expect(vitest.output).toContain('no-lost-update');
    expect(vitest.code).toBe(1);
  });
});
