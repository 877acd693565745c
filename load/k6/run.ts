/**
 * `chaos k6 run`: the k6 binary runs an exported script against the target's
 * services. With `segments` > 1 it runs that many k6 instances side by side,
 * each with its own `--execution-segment` of one shared
 * `--execution-segment-sequence`: the same split k6-operator makes across
 * machines with `parallelism`. Their outputs are merged (see summary.ts).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../../harness/core/errors.ts';
import type { LoadResult } from '../../harness/core/load.ts';
import type { Thresholds } from '../../harness/core/thresholds.ts';
import { k6Binary } from '../../harness/providers/binaries.ts';
import { SUMMARY_TREND_STATS } from './script.ts';
import { type K6Summary, mergeSegments, readRawSamples, type SegmentOutput } from './summary.ts';

export interface K6RunPlan {
  scriptPath: string;
  baseUrl: string;
  segments: number;
  /** Where each instance writes its summary and raw samples. */
  outDir: string;
  connections: number;
  ratePerSecond?: number;
  thresholds: Thresholds;
  expectedStatuses: number[];
  signal?: AbortSignal;
}

/** `i/n` as k6 writes a segment boundary: 0 and 1 plain, the rest as fractions. */
const boundary = (i: number, n: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);

/** The `--execution-segment` of instance i of n, and the sequence all n share. */
export function executionSegment(i: number, n: number): { segment: string; sequence: string } {
  return {
    segment: `${boundary(i, n)}:${boundary(i + 1, n)}`,
    sequence: Array.from({ length: n + 1 }, (_, k) => boundary(k, n)).join(','),
  };
}

export function requireK6(): string {
  const binary = k6Binary();
  if (!binary)
    throw new EnvironmentError(
      'k6 not found (looked at K6_BINARY, the PATH and ~/go/bin): run `npm run setup` (it runs `go install go.k6.io/k6@latest`) or set K6_BINARY',
    );
  return binary;
}

async function runInstance(binary: string, plan: K6RunPlan, index: number): Promise<SegmentOutput> {
  const summaryFile = join(plan.outDir, `k6-summary-${index}.json`);
  const rawFile = join(plan.outDir, `k6-raw-${index}.json`);
  const args = [
    'run',
    '--quiet',
    '--no-color',
    '--summary-export',
    summaryFile,
    '--summary-trend-stats',
    SUMMARY_TREND_STATS.join(','),
    '--out',
    `json=${rawFile}`,
    '--system-tags',
    'status,method,error_code,scenario,expected_response',
  ];
  const { segment, sequence } = executionSegment(index, plan.segments);
  if (plan.segments > 1) args.push('--execution-segment', segment, '--execution-segment-sequence', sequence);
  args.push(plan.scriptPath);

  const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((resolve, reject) => {
    const child = spawn(binary, args, {
      env: { ...process.env, BASE_URL: plan.baseUrl, K6_NO_USAGE_REPORT: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const stop = () => child.kill('SIGINT'); // k6 stops gracefully and still writes its summary
    plan.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      plan.signal?.removeEventListener('abort', stop);
      resolve({ exitCode: code ?? 1, output });
    });
  });
  // 0: passed, 99: a threshold failed; anything else means k6 itself could not run the script.
  if (exitCode !== 0 && exitCode !== 99)
    throw new Error(
      `k6 (segment ${segment}) exited ${exitCode}: ${output.trim().split('\n').slice(-5).join(' | ')}`,
    );
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as K6Summary;
  return {
    segment: plan.segments > 1 ? segment : '0:1',
    summary,
    samples: await readRawSamples(rawFile),
    exitCode,
  };
}

export async function runK6(plan: K6RunPlan): Promise<LoadResult> {
  const binary = requireK6();
  const outputs = await Promise.all(
    Array.from({ length: plan.segments }, (_, index) => runInstance(binary, plan, index)),
  );
  const settings = {
    connections: plan.connections,
    thresholds: plan.thresholds,
    expectedStatuses: plan.expectedStatuses,
    ...(plan.ratePerSecond === undefined ? {} : { ratePerSecond: plan.ratePerSecond }),
  };
  return mergeSegments(outputs, settings);
}
