import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { k6ExportCommand } from '../../harness/cli/k6-export-command.ts';
import { parseCli } from '../../harness/cli/options.ts';
import { buildRegistry } from '../../harness/config/registry.ts';
import { ExitCode } from '../../harness/core/errors.ts';
import { builtins } from '../../targets/index.ts';
import { executionSegment } from './run.ts';
import { k6Executor, k6Script } from './script.ts';
import { mergeSegments, type SegmentOutput } from './summary.ts';

const base = {
  scenario: 's',
  seed: 7,
  baseUrl: 'http://127.0.0.1:8080',
  connections: 4,
  thresholds: { latency: ['p(99)<100'] },
  requestSource: 'function request(seed, n) { return { method: "GET", path: "/x/" + n }; }',
  expectedStatuses: [200],
  timeoutMs: 2000,
  requestContext: { variant: 'correct', keys: 3, data: { ids: [5, 6] } },
};

describe('k6 script', () => {
  it('uses the k6 executor of each load model', () => {
    expect(k6Executor({ ...base, durationMs: 3000 })).toEqual({
      executor: 'constant-vus',
      vus: 4,
      duration: '3s',
    });
    expect(k6Executor({ ...base, durationMs: 3000, ratePerSecond: 50 })).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnit: '1s',
      preAllocatedVUs: 4,
    });
    expect(k6Executor({ ...base, iterations: 40 })).toMatchObject({
      executor: 'shared-iterations',
      iterations: 40,
    });
  });

  it('embeds the seed, the target request function, k6 thresholds and the status check', () => {
    const script = k6Script({ ...base, durationMs: 1000 });
    expect(script).toContain('Number(__ENV.SEED ?? 7)');
    expect(script).toContain(base.requestSource);
    expect(script).toContain('"http_req_duration": [\n      "p(99)<100"');
    expect(script).toContain('request(SEED, exec.scenario.iterationInTest, CONTEXT)');
    // The run's context, as the request source's third argument (k6's setup() data, in effect).
    expect(script).toContain('const CONTEXT = {"variant":"correct","keys":3,"data":{"ids":[5,6]}};');
    expect(script).toContain('http.expectedStatuses(...EXPECTED_STATUSES)');
    expect(script).not.toMatch(/from '(?!k6)/); // no imports beyond k6's own modules
  });
});

describe('execution segments', () => {
  it('splits 0..1 into n contiguous segments of one shared sequence', () => {
    expect(executionSegment(0, 1)).toEqual({ segment: '0:1', sequence: '0,1' });
    expect(executionSegment(0, 3)).toEqual({ segment: '0:1/3', sequence: '0,1/3,2/3,1' });
    expect(executionSegment(2, 3)).toEqual({ segment: '2/3:1', sequence: '0,1/3,2/3,1' });
  });
});

describe('merging k6 instances', () => {
  const instance = (segment: string, durations: number[], statuses: number[]): SegmentOutput => ({
    segment,
    exitCode: 0,
    summary: {
      metrics: {
        http_reqs: { count: durations.length, rate: durations.length / 2 },
        iterations: { count: durations.length },
        checks: {
          passes: statuses.filter((s) => s === 200).length,
          fails: statuses.filter((s) => s !== 200).length,
        },
        http_req_duration: { 'p(99)': Math.max(...durations) },
      },
    },
    samples: durations.map((durationMs, i) => ({ durationMs, status: statuses[i]! })),
  });

  it('adds counts and takes percentiles from the merged raw samples, not per instance', () => {
    const fast = instance(
      '0:1/2',
      Array.from({ length: 99 }, () => 1),
      Array(99).fill(200),
    );
    const slow = instance('1/2:1', [1000], [500]);
    const load = mergeSegments([fast, slow], {
      connections: 4,
      thresholds: { latency: ['p(99)<10'] },
      expectedStatuses: [200],
    });
    expect(load.requests).toBe(100);
    expect(load.iterations).toBe(100);
    expect(load.requestsPerSecond).toBe(50);
    expect(load.checksFailed).toBe(1);
    expect(load.non2xx).toBe(1);
    // 99 samples of 1 ms and one of 1000 ms: the merged p99 is 1 ms, p99.9 and max the slow one.
    expect(load.latency.p99).toBe(1);
    expect(load.latency.max).toBe(1000);
    expect(load.perSegment?.map((s) => s.p99)).toEqual([1, 1000]);
    expect(load.thresholds).toEqual([{ metric: 'latency', expression: 'p(99)<10', value: 1, passed: true }]);
    expect(load.latencySource).toMatch(/all 2 k6 instances, merged/);
  });

  it('carries k6 exit code 99 from any instance', () => {
    const failed = { ...instance('0:1', [1], [200]), exitCode: 99 };
    expect(
      mergeSegments([failed], { connections: 1, thresholds: {}, expectedStatuses: [200] }).exitCode,
    ).toBe(99);
  });
});

describe('the k6-operator sample', () => {
  it('runs the script `k6 export saga-orders-load` writes, split by parallelism', async () => {
    const manifest = readFileSync(new URL('./testrun.yaml', import.meta.url), 'utf8');
    expect(manifest).toMatch(/^kind: TestRun$/m);
    expect(manifest).toMatch(/^ {2}parallelism: \d+$/m);
    expect(manifest).toContain('file: saga-orders-load.k6.ts');
    expect(manifest).toContain('k6 export saga-orders-load --out saga-orders-load.k6.ts');
    // The export the manifest's comment tells users to make: every variable the manifest sets is one it reads.
    const dir = mkdtempSync(join(tmpdir(), 'chaos-k6-export-'));
    try {
      const out = join(dir, 'saga-orders-load.k6.ts');
      const options = parseCli(['k6', 'export', 'saga-orders-load', '--out', out]);
      vi.spyOn(console, 'log').mockImplementation(() => {});
      expect(k6ExportCommand(options, {}, buildRegistry(builtins, {}))).toBe(ExitCode.ok);
      const script = readFileSync(out, 'utf8');
      expect(script).toContain('"saga-orders-load": {'); // its k6 scenario
      expect(script).toContain('/orders'); // the saga's requests, not a template's
      const variables = [...manifest.matchAll(/- name: (\w+)/g)].map((m) => m[1]!);
      expect(variables).toEqual(['BASE_URL', 'SEED']);
      for (const name of variables) expect(script).toContain(`__ENV.${name}`);
      // The config's run settings shape the exported load, as they shape `k6 run`'s.
      const config = { run: { workers: 3, duration: '2s' } };
      expect(k6ExportCommand(options, config, buildRegistry(builtins, config))).toBe(ExitCode.ok);
      expect(readFileSync(out, 'utf8')).toMatch(/"vus": 3,\s*"duration": "2s"/);
    } finally {
      vi.restoreAllMocks();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
