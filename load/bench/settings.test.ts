import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../harness/core/errors.ts';
import { BENCH_DEFAULTS, BENCH_PARTS, benchSettings } from './settings.ts';

const WORKERS = 8;

describe('benchSettings', () => {
  it('uses the defaults when nothing is set, or a variable is empty', () => {
    const expected = { ...BENCH_DEFAULTS, only: [...BENCH_PARTS] };
    expect(benchSettings({}, WORKERS)).toEqual(expected);
    expect(benchSettings({ BENCH_ROUNDS: '', BENCH_ONLY: ' ', BENCH_OUT: '' }, WORKERS)).toEqual(expected);
  });

  it('reads every variable, trimming spaces', () => {
    expect(
      benchSettings(
        {
          BENCH_ONLY: ' postgres , http',
          BENCH_ROUNDS: ' 3 ',
          BENCH_SECONDS: '2',
          BENCH_MAX_STEAL: '0',
          BENCH_UPSERTS: '800',
          BENCH_OUT: '/tmp/bench-out',
          BENCH_DETECTION_SEEDS: '5',
          BENCH_DETECTION: 'all',
        },
        WORKERS,
      ),
    ).toEqual({
      only: ['postgres', 'http'],
      rounds: 3,
      seconds: 2,
      maxSteal: 0,
      upserts: 800,
      outDir: '/tmp/bench-out',
      detection: { seeds: 5, everyScenario: true },
    });
  });

  it.each([
    [{ BENCH_ROUNDS: 'ten' }, 'BENCH_ROUNDS: expected a whole number >= 1, got "ten"'],
    [{ BENCH_ROUNDS: '0' }, 'BENCH_ROUNDS: expected a whole number >= 1, got "0"'],
    [{ BENCH_ROUNDS: '2.5' }, 'BENCH_ROUNDS: expected a whole number >= 1, got "2.5"'],
    // pgbench's -T takes whole seconds.
    [{ BENCH_SECONDS: '0.5' }, 'BENCH_SECONDS: expected a whole number >= 1, got "0.5"'],
    [{ BENCH_SECONDS: '-5' }, 'BENCH_SECONDS: expected a whole number >= 1, got "-5"'],
    // 3 meant as 3% would silently count every round.
    [
      { BENCH_MAX_STEAL: '3' },
      'BENCH_MAX_STEAL: expected a share of the CPU between 0 and 1 (0.03 for 3%), got "3"',
    ],
    [
      { BENCH_MAX_STEAL: 'x' },
      'BENCH_MAX_STEAL: expected a share of the CPU between 0 and 1 (0.03 for 3%), got "x"',
    ],
    [{ BENCH_DETECTION_SEEDS: '0' }, 'BENCH_DETECTION_SEEDS: expected a whole number >= 1, got "0"'],
    [{ BENCH_DETECTION: 'every' }, 'BENCH_DETECTION: expected sql (the default) or all, got "every"'],
    [{ BENCH_UPSERTS: '4' }, 'BENCH_UPSERTS: expected a whole number >= 8, got "4"'],
    [{ BENCH_UPSERTS: '1001' }, 'BENCH_UPSERTS: expected a multiple of the 8 workers, got 1001'],
    [
      { BENCH_ONLY: 'postgress,memory,<script>' },
      'BENCH_ONLY names "postgress", "<script>"; the parts are postgres, mariadb, http, memory',
    ],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => benchSettings(env, WORKERS)).toThrow(message);
    expect(() => benchSettings(env, WORKERS)).toThrow(UsageError); // exit 2, as a bad CLI flag
  });

  it('stops `npm run bench` with exit code 2 and the message before anything runs', () => {
    // BENCH_ONLY=memory: were the check missing, the bench would run only its short memory part.
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'load/bench/index.ts'], {
      env: {
        ...process.env,
        BENCH_ROUNDS: 'ten',
        BENCH_ONLY: 'memory',
        BENCH_OUT: '/nonexistent/never-written',
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toContain('bench: BENCH_ROUNDS: expected a whole number >= 1, got "ten"');
    expect(run.status).toBe(2);
    expect(run.stdout).not.toContain('bench:');
  }, 130_000);
});
