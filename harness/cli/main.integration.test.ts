/**
 * The command line as a user runs it: a child process, real servers, files
 * on disk and exit codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import type { SuiteResults } from '../core/results.ts';
import { freePort } from '../providers/ports.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../testing/components.ts';
import { processesOfThisRun } from '../testing/run-processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'harness', 'cli', 'main.ts');
// As `npm run chaos` starts it: one Node process with tsx's loader, so signals reach the harness itself.
const NODE_TS = ['--import', 'tsx'];

function chaos(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [...NODE_TS, CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const readResults = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as SuiteResults;
/** This run's database servers and Toxiproxy still running (another run's on the machine do not count). */
const leftovers = () =>
  processesOfThisRun(/chaos-(mariadb|postgres)-|server -host 127\.0\.0\.1 -port/).join('\n');
const serverProcesses = () => processesOfThisRun(/chaos-(mariadb|postgres)-/).join('\n');

/** Start the command, send it SIGINT once its output satisfies `ready`, and wait for its exit. */
async function interruptWhen(args: string[], ready: (output: string) => boolean) {
  const child = spawn(process.execPath, [...NODE_TS, CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let sent = false;
  const collect = (data: Buffer) => {
    output += data;
    if (!sent && ready(output)) {
      sent = true;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  if (!sent) throw new Error(`the command ended before it was interrupted:\n${output}`);
  return { code, output };
}

const components = [await mariadbComponent(), await postgresComponent()];

describeWith(components, 'chaos command line', () => {
  it('exits 2 before starting anything for a config with a fault Toxiproxy does not have', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const config = join(dir, 'chaos.config.ts');
    writeFileSync(
      config,
      `export default { scenarios: [{ name: 'laggy', description: 'x', target: 'postgres-versioning', workload: {},
        faults: [{ kind: 'network', toxic: { type: 'latency', attributes: { lag: 100 } } }] }] };\n`,
    );
    const { code, stderr } = chaos(['--config', config]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /scenarios\.0\.faults\.0\.toxic\.attributes\.lag: Toxiproxy's latency toxic has no attribute "lag"/,
    );
  });

  it('on Ctrl-C during a pause fault heals it, stops every server and Toxiproxy, and exits 130', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const child = spawn(
      process.execPath,
      [...NODE_TS, CLI, '--scenario', 'stale-version-mutation-faults', '--variant', 'correct', '--out', out],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(out, 'histories')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    // The pause window runs from 1.7 s to 2.2 s into the workload.
    await new Promise((r) => setTimeout(r, 1900));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    const results = readResults(out);
    expect(results.runs[0]!.faultWindows.every((w) => w.stoppedAt !== undefined)).toBe(true);
    expect(leftovers()).toBe('');
  });

  it('runs a scenario, prints its table, writes results.json and the histories, exits 0', () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-it-'));
    // What a killed run left: its ledger names a folder, which this run reaps and reports first.
    const ledger = mkdtempSync(join(tmpdir(), 'cli-it-ledger-'));
    const left = mkdtempSync(join(tmpdir(), 'chaos-postgres-left-'));
    writeFileSync(join(left, 'PG_VERSION'), '16\n');
    writeFileSync(
      join(ledger, '999999998.json'),
      JSON.stringify({ pid: 999_999_998, started: '1', dirs: [left] }),
    );
    const { code, stdout, stderr } = chaos(
      ['--scenario', 'stale-version-mutation', '--duration', '500ms', '--seed', '5', '--out', out],
      { CHAOS_LEDGER_DIR: ledger },
    );
    expect(stderr).toContain('chaos: removed 1 folder(s) a killed run left (0.0 MB)');
    expect(existsSync(left)).toBe(false);
    // Its own ledger gone at its exit, and the folder with it once empty.
    expect(existsSync(ledger) ? readdirSync(ledger) : []).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/stale-version-mutation\s+\(target postgres-versioning, seed 5\)/);
    expect(stdout).toMatch(/blind-update\s+broken\s+invalid.*CAUGHT/);
    const results = readResults(out);
    expect(results).toMatchObject({
      schemaVersion: 1,
      seed: 5,
      passed: true,
      exitCode: 0,
      interrupted: false,
    });
    expect(results.runs.map((r) => r.variant)).toEqual(['correct', 'blind-update']);
    // The target's own checker and the general linearizability checker agree on every run.
    const verdicts = results.runs.map((r) => r.checks.map((c) => [c.checker, c.verdict]));
    expect(verdicts).toEqual([
      [
        ['no-lost-update', 'valid'],
        ['linearizable', 'valid'],
      ],
      [
        ['no-lost-update', 'invalid'],
        ['linearizable', 'invalid'],
      ],
    ]);
    expect(results.runs[1]!.checks[1]!.violations[0]!.message).toMatch(
      /not linearizable against key-value of versioned-register/,
    );
    expect(results.replay).toContain('--seed 5');
    for (const run of results.runs)
      for (const file of run.historyFiles) expect(statSync(file).size).toBeGreaterThan(0);
    expect(serverProcesses()).toBe('');
  });

  // The matrix over five seeds of every SQL scenario is asserted by targets/targets.integration.test.ts;
  // here, what the command writes for it.
  it('--seeds 2-3 runs the scenarios once per seed and writes the detection matrix beside the runs', () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-seeds-'));
    const scenarios = ['concurrent-create', 'stale-version-mutation'];
    const args = scenarios.flatMap((s) => ['--scenario', s]);
    const { code, stdout } = chaos([...args, '--duration', '500ms', '--seeds', '2-3', '--out', out]);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^seeds 2-3; 8 runs;/m);
    expect(stdout).toMatch(/detection over seeds\n/);
    const results = readResults(out);
    expect(results.seeds).toEqual([2, 3]);
    expect(results.runs).toHaveLength(8);
    const rows = results.detection!;
    expect(rows.map((r) => `${r.scenario} / ${r.variant}`).sort()).toEqual(
      scenarios
        .flatMap((s) =>
          results.runs.filter((r) => r.scenario === s && r.seed === 2).map((r) => `${s} / ${r.variant}`),
        )
        .sort(),
    );
    for (const row of rows) {
      if (row.broken) {
        expect(row.caught, `${row.scenario} / ${row.variant}`).toEqual([2, 3]);
        expect(row.firstProofMs!.max).toBeGreaterThan(0);
      } else expect(row.falseAlarms, `${row.scenario} / ${row.variant}`).toEqual([]);
    }
    // Each seed's histories in its own folder, so no seed overwrites another's.
    expect(
      readdirSync(out)
        .filter((f) => f.startsWith('seed-'))
        .sort(),
    ).toEqual(['seed-2', 'seed-3']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('"detection"');
    expect(results.replay).toContain('--seeds 2-3');
    expect(chaos(['--seeds', '5', '--seed', '1', '--scenario', 'concurrent-create']).code).toBe(2);
  });

  it('sweeps workers x rates and records conflicts rising with contention', () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const { code, stdout } = chaos([
      'sweep',
      '--scenario',
      'stale-version-mutation',
      '--workers',
      '1,8',
      '--rates',
      '0',
      '--duration',
      '400ms',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/workers\s+rate\s+operations\s+conflicts/);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as {
      points: { workers: number; conflictRate: number; operations: number }[];
    };
    const [one, eight] = sweep.points;
    expect(one).toMatchObject({ workers: 1, conflictRate: 0 });
    expect(eight!.workers).toBe(8);
    expect(eight!.conflictRate).toBeGreaterThan(0.1);
    expect(eight!.operations).toBeGreaterThan(100);
  });

  it('on Ctrl-C a sweep finishes its current point, keeps the points in sweep.json and exits 130', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const args = ['sweep', '--scenario', 'stale-version-mutation', '--workers', '1,2,4,8'];
    let whileRunning = '';
    const { code, output } = await interruptWhen([...args, '--duration', '3s', '--out', out], (text) => {
      const firstPointDone = /^1 +0 +\d+/m.test(text); // the first point's row
      if (firstPointDone) whileRunning = serverProcesses();
      return firstPointDone;
    });
    // The check below would see the run's Postgres: it sees it while the run goes on.
    expect(whileRunning).toMatch(/chaos-postgres-/);
    expect(output).toContain('interrupted: finishing the current run');
    expect(code).toBe(130);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(sweep).toMatchObject({ scenario: 'stale-version-mutation', interrupted: true });
    expect(sweep.finishedAt).toEqual(expect.any(String));
    // The first point whole; the one under way when interrupted, cut short; none after it.
    expect(sweep.points[0]).toMatchObject({ workers: 1, verdict: 'valid' });
    expect(sweep.points.length).toBeLessThanOrEqual(2);
    expect(serverProcesses()).toBe('');
  });

  it('on Ctrl-C the isolation probes write the verdicts already probed and exit 130', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const { code } = await interruptWhen(['isolation', '--out', out], (text) =>
      text.includes('postgres read committed'),
    );
    expect(code).toBe(130);
    const results = readResults(out);
    expect(results).toMatchObject({ interrupted: true, passed: false, exitCode: 130 });
    expect(results.isolation!.length).toBeGreaterThanOrEqual(1);
    expect(results.isolation![0]).toMatchObject({ database: 'postgres' });
    expect(leftovers()).toBe('');
  });

  it('loads an external target from a config file', () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const { code, stdout } = chaos([
      '--config',
      'examples/chaos.config.ts',
      '--scenario',
      'concurrent-deposits',
      '--duration',
      '500ms',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/read-modify-write\s+broken\s+invalid.*CAUGHT/);
    expect(readResults(out).runs.map((r) => `${r.target}/${r.variant}/${r.passed}`)).toEqual([
      'account-deposits/correct/true',
      'account-deposits/read-modify-write/true',
    ]);
  });

  it('exits 1 when a variant declared correct loses updates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const config = join(dir, 'chaos.config.ts');
    // A target whose "correct" variant is really the read-modify-write bug.
    writeFileSync(
      config,
      `import target from ${JSON.stringify(join(ROOT, 'examples', 'account-deposits.target.ts'))};
export default {
  targets: [{
    ...target,
    name: 'mislabelled-deposits',
    variants: { correct: { description: 'actually broken', broken: false } },
    operations: { deposit: (client, args, ctx) => target.operations.deposit(client, args, { ...ctx, variant: 'read-modify-write' }) },
  }],
};
`,
    );
    const out = join(dir, 'out');
    const { code, stdout } = chaos([
      '--config',
      config,
      '--scenario',
      'mislabelled-deposits',
      '--duration',
      '800ms',
      '--workers',
      '8',
      '--out',
      out,
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/correct\s+correct\s+invalid.*FAIL/);
    expect(readResults(out)).toMatchObject({ passed: false, exitCode: 1 });
  });

  it('exits 3 within seconds for an unreachable database, never printing its password, and still writes results', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const port = await freePort();
    const started = Date.now();
    const { code, stderr, stdout } = chaos(['--scenario', 'concurrent-create', '--out', out], {
      MARIADB_URL: `mysql://app:Sup3rSecretPw@127.0.0.1:${port}/shop`,
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(code).toBe(3);
    expect(stderr).toMatch(/cannot bring up mariadb \(url provider\).*unreachable \(ECONNREFUSED\)/);
    expect(`${stdout}${stderr}`).not.toContain('Sup3rSecretPw');
    expect(readResults(out)).toMatchObject({ passed: false, exitCode: 3 });
    expect(readFileSync(join(out, 'results.json'), 'utf8')).not.toContain('Sup3rSecretPw');
  });

  it('on Ctrl-C finishes the current run, writes results, stops its servers and exits 130', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-it-'));
    const child = spawn(process.execPath, [...NODE_TS, CLI, '--duration', '4s', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    // Wait until the first run is under way, then interrupt it.
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(out, 'histories')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(output).toContain('interrupted: finishing the current run');
    expect(code).toBe(130);
    const results = readResults(out);
    expect(results).toMatchObject({ interrupted: true, passed: false, exitCode: 130 });
    expect(results.runs.length).toBeGreaterThanOrEqual(1);
    expect(results.runs.length).toBeLessThan(8);
    expect(serverProcesses()).toBe('');
  });
});
