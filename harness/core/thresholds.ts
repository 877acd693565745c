/**
 * Thresholds in k6's syntax: a metric name and a list of expressions such as
 * `p(99)<50`, `rate<0.01` or `count==0`. The same thresholds go into an
 * exported k6 script (under k6's metric names) and are judged by the harness
 * for its own engines; a failed threshold makes the run exit 99, as k6 does.
 */
import type { z } from 'zod';
import { UsageError } from './errors.ts';
import type { ThresholdResultSchema } from './results.ts';

/** The harness's metric names and the k6 metric each one is. */
export const K6_METRIC_NAMES: Record<string, string> = {
  latency: 'http_req_duration',
  failed_requests: 'http_req_failed',
  checks: 'checks',
  requests: 'http_reqs',
};

const HARNESS_NAME_OF: Record<string, string> = Object.fromEntries(
  Object.entries(K6_METRIC_NAMES).map(([harness, k6]) => [k6, harness]),
);

export type Thresholds = Record<string, string[]>;

export type Aggregation = 'avg' | 'min' | 'max' | 'med' | 'rate' | 'count' | `p(${number})`;

export interface ThresholdExpression {
  aggregation: Aggregation;
  /** For `p(N)`: N. */
  percentile?: number;
  operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
}

const EXPRESSION =
  /^\s*(avg|min|max|med|rate|count|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function parseThreshold(metric: string, text: string): ThresholdExpression {
  const match = EXPRESSION.exec(text);
  if (!match)
    throw new UsageError(
      `threshold for ${metric}: cannot read "${text}" (expected e.g. p(99)<50, avg<=20, rate<0.01, count==0)`,
    );
  const percentile = match[2] === undefined ? undefined : Number(match[2]);
  if (percentile !== undefined && !(percentile >= 0 && percentile <= 100))
    throw new UsageError(`threshold for ${metric}: percentile ${percentile} is outside 0..100`);
  const expression: ThresholdExpression = {
    aggregation: (percentile === undefined ? match[1] : `p(${percentile})`) as Aggregation,
    operator: match[3] as ThresholdExpression['operator'],
    value: Number(match[4]),
  };
  if (percentile !== undefined) expression.percentile = percentile;
  return expression;
}

/** Check every expression parses, so a typo fails before anything runs. */
export function validateThresholds(thresholds: Thresholds): void {
  for (const [metric, expressions] of Object.entries(thresholds))
    for (const text of expressions) parseThreshold(metric, text);
}

/** Thresholds under k6's metric names (names k6 knows already pass through unchanged). */
export function toK6Thresholds(thresholds: Thresholds): Thresholds {
  return Object.fromEntries(
    Object.entries(thresholds).map(([metric, expressions]) => [
      K6_METRIC_NAMES[metric] ?? metric,
      expressions,
    ]),
  );
}

/** What a metric measured: the aggregations it can answer; undefined when it cannot. */
export type MetricValues = (aggregation: Aggregation, percentile?: number) => number | undefined;

export type ThresholdResult = z.infer<typeof ThresholdResultSchema>;

function compare(a: number, operator: ThresholdExpression['operator'], b: number): boolean {
  switch (operator) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** Judge thresholds against measured metrics; an unmeasured metric fails (it cannot be shown to hold). */
export function evaluateThresholds(
  thresholds: Thresholds,
  metrics: Record<string, MetricValues>,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, expressions] of Object.entries(thresholds)) {
    for (const text of expressions) {
      const expression = parseThreshold(metric, text);
      const measured = metrics[metric] ?? metrics[HARNESS_NAME_OF[metric] ?? ''];
      const value = measured?.(expression.aggregation, expression.percentile);
      const result: ThresholdResult = {
        metric,
        expression: text,
        passed: value !== undefined && compare(value, expression.operator, expression.value),
      };
      if (value !== undefined) result.value = value;
      results.push(result);
    }
  }
  return results;
}
