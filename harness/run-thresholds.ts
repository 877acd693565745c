/**
 * Thresholds on a run's own results, set in the config in k6's syntax:
 *
 *   thresholds: {
 *     violations: ['count==0'],
 *     'latency{op:update}': ['p(99)<50'],
 *     conflict_rate: ['rate<0.3'],
 *   }
 *
 * Metrics: violations (count), latency (p(N), avg, min, max, med; ms, from
 * the history), conflict_rate (rate), throughput (rate: ok operations per
 * second), operations (count), info (count, rate: unknown outcomes).
 * Tags narrow a threshold: {op:NAME}, {scenario:NAME}, {variant:NAME}.
 * Broken variants are meant to violate invariants, so thresholds judge
 * correct variants only, unless a {variant:...} tag names a broken one.
 */
import { type CheckResult, violationTotal } from './checkers/types.ts';
import { UsageError } from './errors.ts';
import type { Operation } from './history.ts';
import { percentile } from './stats.ts';
import {
  evaluateThresholds,
  type MetricValues,
  parseThreshold,
  type ThresholdResult,
  type Thresholds,
} from './thresholds.ts';

export const RUN_METRICS = [
  'violations',
  'latency',
  'conflict_rate',
  'throughput',
  'operations',
  'info',
] as const;
const TAGS = ['op', 'scenario', 'variant'] as const;

export interface MetricKey {
  metric: string;
  tags: Partial<Record<(typeof TAGS)[number], string>>;
}

/** `latency{op:update}` -> { metric: 'latency', tags: { op: 'update' } } */
export function parseMetricKey(key: string): MetricKey {
  const match = /^([a-z_]+)(?:\{([^}]*)\})?$/.exec(key.trim());
  if (!match)
    throw new UsageError(
      `threshold "${key}": expected a metric name, optionally with tags, e.g. latency{op:update}`,
    );
  const metric = match[1]!;
  if (!(RUN_METRICS as readonly string[]).includes(metric))
    throw new UsageError(`threshold "${key}": unknown metric ${metric} (metrics: ${RUN_METRICS.join(', ')})`);
  const tags: MetricKey['tags'] = {};
  for (const pair of (match[2] ?? '').split(',').filter((p) => p.trim())) {
    const [name, value] = pair.split(':').map((x) => x.trim());
    if (!name || !value || !(TAGS as readonly string[]).includes(name))
      throw new UsageError(
        `threshold "${key}": tags are op:NAME, scenario:NAME or variant:NAME, got "${pair}"`,
      );
    tags[name as (typeof TAGS)[number]] = value;
  }
  return { metric, tags };
}

export function validateRunThresholds(thresholds: Thresholds, source: string): void {
  for (const [key, expressions] of Object.entries(thresholds)) {
    try {
      parseMetricKey(key);
      for (const text of expressions) parseThreshold(key, text);
    } catch (error) {
      throw new UsageError(`${source}: ${(error as Error).message}`);
    }
  }
}

export interface RunFacts {
  scenario: string;
  variant: string;
  broken: boolean;
  operations: Operation[];
  checks: CheckResult[];
  conflictRate: number;
  throughput: number;
  correctCoordinatedOmission: boolean;
}

function latencies(operations: Operation[], correct: boolean): number[] {
  return operations
    .filter((o) => o.outcome !== 'info')
    .map((o) => o.completedAt - (correct && o.intendedAt !== undefined ? o.intendedAt : o.invokedAt))
    .sort((a, b) => a - b);
}

/** The thresholds that apply to this run, judged; empty when none apply. */
export function evaluateRunThresholds(thresholds: Thresholds, run: RunFacts): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [key, expressions] of Object.entries(thresholds)) {
    const { metric, tags } = parseMetricKey(key);
    if (tags.scenario !== undefined && tags.scenario !== run.scenario) continue;
    if (tags.variant !== undefined ? tags.variant !== run.variant : run.broken) continue;
    const operations =
      tags.op === undefined ? run.operations : run.operations.filter((o) => o.op === tags.op);
    const values: MetricValues = (aggregation, p) => {
      switch (metric) {
        case 'violations':
          return aggregation === 'count' ? violationTotal(run.checks) : undefined;
        case 'latency': {
          const sorted = latencies(operations, run.correctCoordinatedOmission);
          if (sorted.length === 0) return undefined;
          if (p !== undefined) return percentile(sorted, p);
          if (aggregation === 'avg') return sorted.reduce((a, b) => a + b, 0) / sorted.length;
          if (aggregation === 'min') return sorted[0];
          if (aggregation === 'max') return sorted.at(-1);
          if (aggregation === 'med') return percentile(sorted, 50);
          return undefined;
        }
        case 'conflict_rate':
          return aggregation === 'rate' ? run.conflictRate : undefined;
        case 'throughput':
          return aggregation === 'rate' ? run.throughput : undefined;
        case 'operations':
          return aggregation === 'count' ? operations.length : undefined;
        case 'info': {
          const info = operations.filter((o) => o.outcome === 'info').length;
          if (aggregation === 'count') return info;
          return aggregation === 'rate'
            ? operations.length === 0
              ? 0
              : info / operations.length
            : undefined;
        }
      }
      return undefined;
    };
    results.push(...evaluateThresholds({ [key]: expressions }, { [key]: values }));
  }
  return results;
}
