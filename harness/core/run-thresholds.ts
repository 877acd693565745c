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
import { type CheckResult, violationTotal } from './check.ts';
import { shown, UsageError } from './errors.ts';
import type { Operation } from './history.ts';
import { type HistorySummary, latenciesOf, percentile, summarize } from './stats.ts';
import {
  evaluateThresholds,
  type MetricValues,
  type ThresholdResult,
  type Thresholds,
  validateThresholds,
} from './thresholds.ts';

const RUN_METRICS = ['violations', 'latency', 'conflict_rate', 'throughput', 'operations', 'info'] as const;
const TAGS = ['op', 'scenario', 'variant'] as const;

interface MetricKey {
  metric: string;
  tags: Partial<Record<(typeof TAGS)[number], string>>;
}

/** `latency{op:update}` -> { metric: 'latency', tags: { op: 'update' } } */
export function parseMetricKey(key: string): MetricKey {
  const match = /^([a-z_]+)(?:\{([^}]*)\})?$/.exec(key.trim());
  if (!match)
    throw new UsageError(
      `threshold ${shown(key)}: expected a metric name, optionally with tags, e.g. latency{op:update}`,
    );
  const metric = match[1]!;
  if (!(RUN_METRICS as readonly string[]).includes(metric))
    throw new UsageError(
      `threshold ${shown(key)}: unknown metric ${metric} (metrics: ${RUN_METRICS.join(', ')})`,
    );
  const tags: MetricKey['tags'] = {};
  for (const pair of (match[2] ?? '').split(',').filter((p) => p.trim())) {
    const [name, value] = pair.split(':').map((x) => x.trim());
    if (!name || !value || !(TAGS as readonly string[]).includes(name))
      throw new UsageError(
        `threshold ${shown(key)}: tags are op:NAME, scenario:NAME or variant:NAME, got ${shown(pair)}`,
      );
    tags[name as (typeof TAGS)[number]] = value;
  }
  if (metric === 'violations' && tags.op !== undefined)
    throw new UsageError(
      `threshold ${shown(key)}: violations belong to a run, not to one operation ({op:...})`,
    );
  return { metric, tags };
}

export function validateRunThresholds(thresholds: Thresholds, source: string): void {
  try {
    for (const key of Object.keys(thresholds)) parseMetricKey(key);
    validateThresholds(thresholds);
  } catch (error) {
    throw new UsageError(`${source}: ${(error as Error).message}`);
  }
}

export interface RunFacts {
  scenario: string;
  variant: string;
  broken: boolean;
  operations: Operation[];
  checks: CheckResult[];
  correctCoordinatedOmission: boolean;
  /** The summary of all the operations, when the caller has it already (the run's table). */
  summary?: HistorySummary;
}

/** One selection of a run's operations (all, or one op's) with its figures, each computed when first asked for. */
class SelectedOperations {
  private sorted: number[] | undefined;

  constructor(
    readonly operations: Operation[],
    private readonly correctCoordinatedOmission: boolean,
    /** The summary, when the caller has it already; else computed when first asked for. */
    private summary?: HistorySummary,
  ) {}

  /** The same figures the run's table shows. */
  get summarized(): HistorySummary {
    this.summary ??= summarize(this.operations, {
      correctCoordinatedOmission: this.correctCoordinatedOmission,
    });
    return this.summary;
  }

  /** Latencies in ascending order. */
  get latencies(): number[] {
    this.sorted ??= latenciesOf(this.operations, this.correctCoordinatedOmission);
    return this.sorted;
  }
}

/** The thresholds that apply to this run, judged; empty when none apply. */
export function evaluateRunThresholds(thresholds: Thresholds, run: RunFacts): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  // Keys naming the same operations (e.g. conflict_rate and throughput) share their figures.
  const selections = new Map<string | undefined, SelectedOperations>();
  const select = (op: string | undefined) => {
    let selected = selections.get(op);
    if (!selected) {
      const operations = op === undefined ? run.operations : run.operations.filter((o) => o.op === op);
      const known = op === undefined ? run.summary : undefined;
      selected = new SelectedOperations(operations, run.correctCoordinatedOmission, known);
      selections.set(op, selected);
    }
    return selected;
  };
  for (const [key, expressions] of Object.entries(thresholds)) {
    const { metric, tags } = parseMetricKey(key);
    if (tags.scenario !== undefined && tags.scenario !== run.scenario) continue;
    if (tags.variant !== undefined ? tags.variant !== run.variant : run.broken) continue;
    const selected = select(tags.op);
    const values: MetricValues = (aggregation, p) => {
      switch (metric) {
        case 'violations':
          return aggregation === 'count' ? violationTotal(run.checks) : undefined;
        case 'latency': {
          const sorted = selected.latencies;
          if (sorted.length === 0) return undefined;
          if (p !== undefined) return percentile(sorted, p);
          if (aggregation === 'avg') return sorted.reduce((a, b) => a + b, 0) / sorted.length;
          if (aggregation === 'min') return sorted[0];
          if (aggregation === 'max') return sorted.at(-1);
          if (aggregation === 'med') return percentile(sorted, 50);
          return undefined;
        }
        case 'conflict_rate':
          return aggregation === 'rate' ? selected.summarized.conflictRate : undefined;
        case 'throughput':
          return aggregation === 'rate' ? selected.summarized.throughput : undefined;
        case 'operations':
          return aggregation === 'count' ? selected.operations.length : undefined;
        case 'info': {
          const { counts, operations: total } = selected.summarized;
          if (aggregation === 'count') return counts.info;
          return aggregation === 'rate' ? (total === 0 ? 0 : counts.info / total) : undefined;
        }
      }
      return undefined;
    };
    results.push(...evaluateThresholds({ [key]: expressions }, { [key]: values }));
  }
  return results;
}

/** k6's exit code for a crossed threshold (k6's own number, which the harness's exit code happens to share). */
const K6_THRESHOLD_EXIT = 99;

/**
 * What stands for a threshold of k6's own script that the harness did not set:
 * k6 exited 99 while every threshold of the load that the harness judged passed.
 */
export const K6_OWN_THRESHOLD: ThresholdResult = {
  metric: 'k6 script',
  expression: `its own threshold crossed (exit ${K6_THRESHOLD_EXIT})`,
  passed: false,
};

/** Every threshold judged for a run: its load engine's, the config's, and k6's own when only k6 saw it fail. */
export function thresholdResultsOf(run: {
  load?: { thresholds: ThresholdResult[]; exitCode?: number };
  thresholds?: ThresholdResult[];
}): ThresholdResult[] {
  const load = run.load?.thresholds ?? [];
  // Only the load's thresholds explain k6's exit: a failed config threshold does not.
  const k6Own = run.load?.exitCode === K6_THRESHOLD_EXIT && load.every((t) => t.passed);
  return [...load, ...(run.thresholds ?? []), ...(k6Own ? [K6_OWN_THRESHOLD] : [])];
}

/** True when a run crossed a threshold (the exit code is then 99). */
export function anyThresholdFailed(run: Parameters<typeof thresholdResultsOf>[0]): boolean {
  return thresholdResultsOf(run).some((t) => !t.passed);
}
