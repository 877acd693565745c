import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../harness/cli/main.ts';
import { compareRuns, formatGate } from './gate.ts';
import { fakeRun, fakeSuite } from './testing/fake-results.ts';

const baseline = fakeSuite([
  fakeRun({ throughput: 1000, p99: 10 }),
  fakeRun({ broken: true, violations: 30 }),
]);

describe('the regression gate', () => {
  it('passes the same run', () => {
    expect(compareRuns(baseline, baseline)).toEqual([]);
  });

  it('names each regression: mutant not caught, new violations, throughput drop, p99 rise', () => {
    const worse = fakeSuite([
      fakeRun({ throughput: 700, p99: 40, violations: 2 }),
      fakeRun({ broken: true, violations: 0 }),
    ]);
    const regressions = compareRuns(baseline, worse);
    expect(regressions.map((r) => r.kind).sort()).toEqual(
      ['new-violations', 'no-longer-holds', 'not-caught', 'p99-rise', 'throughput-drop'].sort(),
    );
    expect(formatGate(regressions, 2)).toMatch(/throughput 1000 -> 700 ok\/s \(-30%, tolerance 20%\)/);
    expect(formatGate(regressions, 2)).toMatch(
      /stale-version-mutation \/ blind-update: not-caught: broken variant no longer detected/,
    );
  });

  it('tolerates changes within the tolerances, and p99 noise of a few ms', () => {
    const similar = fakeSuite([
      fakeRun({ throughput: 850, p99: 14 }),
      fakeRun({ broken: true, violations: 5 }),
    ]);
    expect(compareRuns(baseline, similar)).toEqual([]);
    expect(
      compareRuns(baseline, similar, { throughputDrop: 0.1, p99Rise: 0.5, p99SlackMs: 2 }).map((r) => r.kind),
    ).toEqual(['throughput-drop']);
  });

  it('does not flag a p99 that rose a lot in proportion but by less than the slack in ms', () => {
    const fast = fakeSuite([fakeRun({ throughput: 1000, p99: 1 }), baseline.runs[1]!]);
    // 1 -> 2.5 ms is +150%, past the 50% tolerance, but only 1.5 ms: under the 2 ms slack.
    expect(
      compareRuns(fast, fakeSuite([fakeRun({ throughput: 1000, p99: 2.5 }), baseline.runs[1]!])),
    ).toEqual([]);
    // 1 -> 4 ms is past both.
    expect(
      compareRuns(fast, fakeSuite([fakeRun({ throughput: 1000, p99: 4 }), baseline.runs[1]!])).map(
        (r) => r.kind,
      ),
    ).toEqual(['p99-rise']);
  });

  it('reports a run the baseline had and this one lacks', () => {
    expect(compareRuns(baseline, fakeSuite([baseline.runs[0]!]))).toMatchObject([
      { kind: 'missing', run: 'stale-version-mutation / blind-update' },
    ]);
  });

  it('`chaos gate --baseline` exits 1 on a worse run and 0 on the same run, 2 on an unreadable baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-gate-'));
    const baseFile = join(dir, 'baseline.json');
    const worseFile = join(dir, 'worse.json');
    writeFileSync(baseFile, JSON.stringify(baseline));
    writeFileSync(
      worseFile,
      JSON.stringify(fakeSuite([fakeRun({ throughput: 500, p99: 10 }), baseline.runs[1]!])),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main(['gate', '--baseline', baseFile, worseFile])).toBe(1);
      expect(log.mock.calls.flat().join('\n')).toMatch(
        /gate: 1 regressions:\n {2}stale-version-mutation \/ correct: throughput-drop/,
      );
      expect(await main(['gate', '--baseline', baseFile, baseFile])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/no regressions in 2 runs/);
      expect(await main(['gate', '--baseline', baseFile, worseFile, '--max-throughput-drop', '0.6'])).toBe(0);
      // The gate reads only the two results files: a config it cannot load does not stop it.
      writeFileSync(join(dir, 'broken.config.ts'), 'export default {{{');
      expect(
        await main(['gate', '--baseline', baseFile, worseFile, '--config', join(dir, 'broken.config.ts')]),
      ).toBe(1);
    } finally {
      log.mockRestore();
    }
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    expect(await main(['gate', '--baseline', join(dir, 'broken.json'), baseFile])).toBe(2);
    expect(await main(['gate', baseFile])).toBe(2); // no --baseline
  });
});

describe('run --baseline', () => {
  it('judges the baseline before anything runs: exit 2 within a second, no server started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-run-baseline-'));
    writeFileSync(join(dir, 'null.json'), 'null');
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    const started = Date.now();
    try {
      for (const file of [join(dir, 'null.json'), join(dir, 'missing.json')])
        expect(
          await main(['--scenario', 'stale-version-mutation', '--baseline', file, '--out', join(dir, 'out')]),
        ).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors[0]).toMatch(/--baseline: .*null\.json is not a valid results\.json/);
    expect(errors[1]).toMatch(/--baseline: cannot read .*missing\.json: ENOENT/);
    expect(existsSync(join(dir, 'out', 'results.json'))).toBe(false);
  });
});

describe('gate and report on a file that is not a valid results.json', () => {
  it('exit 2 before doing anything, naming the bad field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-gate-bad-'));
    const baseFile = join(dir, 'baseline.json');
    writeFileSync(baseFile, JSON.stringify(baseline));
    const corrupted = JSON.parse(JSON.stringify(baseline));
    corrupted.runs[0].verdict = 'maybe';
    const badFile = join(dir, 'bad.json');
    writeFileSync(badFile, JSON.stringify(corrupted));
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    try {
      expect(await main(['gate', '--baseline', baseFile, badFile])).toBe(2);
      expect(await main(['report', badFile])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/not a valid results\.json: "runs\[0\]\.verdict: Invalid enum value/);
  });

  it('exit 2 for a baseline of null or a results.json with only its schema version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-gate-null-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(baseline));
    const nothing = join(dir, 'null.json');
    writeFileSync(nothing, 'null');
    const versionOnly = join(dir, 'version-only.json');
    writeFileSync(versionOnly, '{"schemaVersion":1}');
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    try {
      expect(await main(['gate', '--baseline', nothing, good])).toBe(2);
      expect(await main(['gate', '--baseline', versionOnly, good])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors[0]).toMatch(
      /null\.json is not a valid results\.json: "the file: Expected object, received null"/,
    );
    expect(errors[1]).toMatch(/version-only\.json is not a valid results\.json: "tool: Required"/);
  });
});

describe('report', () => {
  it('exits 3, saying so, when the reports cannot be written, and 0 when they can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-report-unwritable-'));
    writeFileSync(join(dir, 'results.json'), JSON.stringify(fakeSuite([fakeRun()])));
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((text: string) => lines.push(text));
    try {
      expect(await main(['report', dir])).toBe(0);
      rmSync(join(dir, 'report.html'));
      mkdirSync(join(dir, 'report.html')); // a folder where the report goes: writing it fails
      expect(await main(['report', dir])).toBe(3);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('\n')).toMatch(/report: could not be written \(.*EISDIR/);
  });
});
