/** Hand-made results for tests of the report writers and the gate (no database needed). */
import type { RunResult, SuiteResults } from '../../harness/core/results.ts';

export function fakeRun(
  overrides: Partial<RunResult> & { violations?: number; throughput?: number; p99?: number } = {},
): RunResult {
  const { violations = 0, throughput = 1000, p99 = 5, ...rest } = overrides;
  const broken = rest.broken ?? false;
  const verdict = rest.verdict ?? (violations > 0 ? 'invalid' : 'valid');
  return {
    scenario: 'stale-version-mutation',
    target: 'postgres-versioning',
    variant: broken ? 'blind-update' : 'correct',
    broken,
    expected: broken ? 'invalid' : 'valid',
    verdict,
    passed: verdict === (broken ? 'invalid' : 'valid'),
    seed: 1,
    workload: {
      workers: 4,
      pacing: { kind: 'closed' },
      keys: { count: 3, distribution: 'uniform', hotFraction: 0.8 },
    },
    summary: {
      operations: 100,
      counts: { ok: 90, fail: 10, info: 0 },
      byOperation: { mutate: { ok: 90, fail: 10, info: 0 } },
      latency: {
        p50: 1,
        p90: 2,
        p97_5: 3,
        p99,
        p99_9: p99 + 1,
        max: p99 + 2,
        correctedForCoordinatedOmission: false,
      },
      conflictRate: 0.1,
      throughput,
    },
    checks: [
      {
        checker: 'no-lost-update',
        verdict,
        violations: Array.from({ length: violations }, (_, i) => ({
          invariant: 'read-before-write',
          message: `lost update ${i}`,
          operations: [i, i + 1],
        })),
      },
    ],
    faultWindows: [],
    historyFiles: [],
    durationMs: 1000,
    interrupted: false,
    ...rest,
  };
}

export function fakeSuite(runs: RunResult[]): SuiteResults {
  return {
    schemaVersion: 1,
    tool: { name: 'concurrency-chaos-harness', version: 'test' },
    startedAt: '2026-11-22T00:00:00.000Z',
    seed: 1,
    replay: 'npm run chaos -- --seed 1',
    servers: [],
    interrupted: false,
    passed: runs.every((r) => r.passed),
    exitCode: runs.every((r) => r.passed) ? 0 : 1,
    runs,
  };
}
