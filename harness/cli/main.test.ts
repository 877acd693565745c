import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../core/errors.ts';
import { onInterrupt } from './common.ts';
import { main } from './main.ts';
import { parseCli, USAGE } from './options.ts';

describe('command line', () => {
  it('parses options', () => {
    expect(
      parseCli([
        '--scenario',
        'a,b',
        '--scenario',
        'c',
        '--workers',
        '4',
        '--duration',
        '2s',
        '--seed',
        '0',
        '--provider',
        'process',
      ]),
    ).toEqual({
      command: 'run',
      scenarios: ['a', 'b', 'c'],
      workers: 4,
      durationMs: 2000,
      seed: 0,
      provider: 'process',
    });
    expect(parseCli(['list']).command).toBe('list');
    expect(parseCli(['--help', '--workers', '4']).command).toBe('help'); // help prints whatever else is given
    expect(parseCli(['--no-co-correction']).correctCoordinatedOmission).toBe(false);
  });

  it.each([
    [['--workers', '0'], /--workers: expected a whole number >= 1/],
    [['--workers', 'many'], /--workers/],
    [['--seed', '-3'], /--seed/],
    [['--provider', 'cloud'], /--provider: expected one of auto, url, process, container/],
    [['--duration', 'forever'], /--duration/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['destroy'], /unknown command "destroy"/],
    [['--time-scale', '0'], /--time-scale/],
    [['--rates', '10'], /--rates does not apply to run \(its options: --scenario .*--max-p99-rise\)/],
    [['sweep', '--rate', '10'], /--rate does not apply to sweep \(its options: .*--rates/],
    [['isolation', '--workers', '4'], /--workers does not apply to isolation/],
    [['report', '--seed', '1'], /--seed does not apply to report/],
    [['--segments', '2'], /--segments does not apply to run/],
    [['k6', 'export', 's', '--provider', 'process'], /--provider does not apply to k6 export/],
    [['--runs', '5'], /--runs does not apply to run/],
    [['k6', 'export', 's', '--time-scale', '2'], /--time-scale does not apply to k6 export/],
    [['sweep', '--rates', 'fast'], /--rates: expected a whole number >= 0/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });

  it('takes signals a few milliseconds apart as one Ctrl-C; a later one stops at once, after saving', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const abort = new AbortController();
    let saved = 0;
    const stop = onInterrupt(() => saved++, abort);
    try {
      process.emit('SIGINT'); // from the terminal
      process.emit('SIGINT'); // the same Ctrl-C, relayed by a wrapper
      expect(abort.signal.aborted).toBe(true);
      expect([saved, exit.mock.calls.length]).toEqual([0, 0]);
      await new Promise((r) => setTimeout(r, 350));
      process.emit('SIGHUP'); // a second, separate interrupt: the terminal closed
      expect(saved).toBe(1);
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      stop();
      exit.mockRestore();
      stderr.mockRestore();
    }
  });

  it('shows a hostile value in an error escaped and cut short: it cannot fake a line of output', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    const injected = 'x\n::error::faked by a scenario name\r\u001b[2J';
    const codes = [
      await main(['--scenario', injected]),
      await main(['--duration', injected]),
      await main(['--scenario', 'y'.repeat(5000)]),
      await main(['property', injected]),
    ];
    spy.mockRestore();
    expect(codes).toEqual([2, 2, 2, 2]);
    const [scenario, duration, long, property] = errors;
    expect(scenario).toContain('unknown scenario "x\\n::error::faked by a scenario name\\r\\u001b[2J"');
    expect(duration).toContain('--duration: "x\\n::error::');
    for (const message of [scenario, duration, property]) expect(message!.split('\n')[0]).toContain('faked');
    expect(long).toContain(`unknown scenario "${'y'.repeat(80)}…" (5000 characters)`);
    expect(long!.length).toBeLessThan(1000);
  });

  it('exits 2 with a clear message for an unknown scenario, before starting anything', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    const code = await main(['--scenario', 'no-such-scenario']);
    spy.mockRestore();
    expect(code).toBe(2);
    expect(errors.join('\n')).toMatch(/unknown scenario "no-such-scenario"/);
  });

  it('exits 2 within a second, before any server starts, when --out cannot be written', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'chaos-out-')), 'a-file');
    writeFileSync(file, '');
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    const started = Date.now();
    try {
      for (const out of ['/proc/chaos-out', '/sys/chaos-out', join(file, 'below')])
        expect(await main(['--scenario', 'stale-version-mutation', '--duration', '1s', '--out', out])).toBe(
          2,
        );
    } finally {
      spy.mockRestore();
    }
    expect(Date.now() - started).toBeLessThan(3000);
    expect(errors[0]).toMatch(/--out: cannot write to "\/proc\/chaos-out": ENOENT/);
    expect(errors[2]).toMatch(/a-file is not a folder/);
  });

  it('k6 export: an --out it cannot write is exit 2 naming the path, not a hang or a stack trace', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    try {
      for (const out of ['/proc/chaos-out/x.js', '/sys/chaos-out/x.js', tmpdir()])
        expect(await main(['k6', 'export', 'saga-orders-load', '--out', out])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors[0]).toMatch(/--out: cannot write to "\/proc\/chaos-out": ENOENT/);
    expect(errors[1]).toMatch(/--out: cannot write to "\/sys\/chaos-out": EPERM/);
    expect(errors[2]).toMatch(/is a folder; name the script file to write/);
  });

  it('exits 2 before any server starts when --out already holds a run, and --keep must be a number', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chaos-out-'));
    writeFileSync(join(out, 'results.json'), '{}');
    mkdirSync(join(out, 'histories'));
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    try {
      expect(await main(['--scenario', 'stale-version-mutation', '--out', out])).toBe(2);
      expect(await main(['--scenario', 'stale-version-mutation', '--keep', 'many'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors[0]).toContain(
      `--out: "${out}" already holds a run (results.json, histories); pass --overwrite`,
    );
    expect(errors[1]).toMatch(/--keep: expected a whole number >= 0, got "many"/);
    expect(readdirSync(out).sort()).toEqual(['histories', 'results.json']);
  });

  it('list shows names and descriptions from a config escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-list-'));
    const config = join(dir, 'chaos.config.mjs');
    writeFileSync(
      config,
      `export default { scenarios: [{ name: 'mine', description: 'desc \\u001b[2J\\u001b]0;title\\u0007 and\\nmore', target: 'postgres-versioning', workload: {} }] };\n`,
    );
    const out: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((text: string) => out.push(text));
    try {
      expect(await main(['list', '--config', config])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const text = out.join('\n');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).toContain('desc \\u001b[2J\\u001b]0;title\\u0007 and\\u000amore');
  });

  it("docs/usage.md's usage block is the CLI's own help text", () => {
    expect(readFileSync(new URL('../../docs/usage.md', import.meta.url), 'utf8')).toContain(
      `\`\`\`\n${USAGE}\n\`\`\``,
    );
  });

  it("the package's `chaos` command runs the CLI and returns its exit code", async () => {
    const bin = new URL('../../bin/chaos.mjs', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'list']);
    expect(stdout).toMatch(/^scenarios:\n {2}concurrent-create /);
    const usage = await promisify(execFile)(process.execPath, [bin, '--workers', 'many']).catch((e) => e);
    expect(usage.code).toBe(2);
  });

  it('refuses property runs of targets whose operations are not SQL statements on one database', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await main(['property', 'saga'])).toBe(2);
      expect(error.mock.calls.flat().join('\n')).toMatch(/property: saga is driven over HTTP/);
      expect(await main(['property', 'cross-service'])).toBe(2);
      expect(error.mock.calls.flat().join('\n')).toMatch(/property: cross-service spans several databases/);
      expect(await main(['property', 'postgres-versioning', '--clients', '2'])).toBe(2);
      expect(error.mock.calls.flat().join('\n')).toMatch(
        /--clients, --ops, --keys and --max-interleavings set the scope of --exhaustive/,
      );
      expect(await main(['property', 'postgres-versioning', '--exhaustive', '--runs', '5'])).toBe(2);
      expect(error.mock.calls.flat().join('\n')).toMatch(/--exhaustive runs every interleaving/);
      expect(await main(['property', 'postgres-versioning', '--exhaustive', '--clients', '9'])).toBe(2);
      expect(error.mock.calls.flat().join('\n')).toMatch(/--clients: at most 8/);
    } finally {
      error.mockRestore();
    }
  });
});
