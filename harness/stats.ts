/** Summary figures of a history: outcome counts, latency percentiles, conflict rate. */
import type { Operation, Outcome } from './history.ts';

export type OutcomeCounts = Record<Outcome, number>;

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

export interface HistorySummary {
  operations: number;
  counts: OutcomeCounts;
  byOperation: Record<string, OutcomeCounts>;
  /** Milliseconds, over operations with a known outcome (ok or fail). */
  latency: LatencySummary;
  /** fail / (ok + fail): how often the database refused a mutation (version conflicts, FK errors...). */
  conflictRate: number;
  /** ok operations per second of history time. */
  throughput: number;
}

/** Nearest-rank percentile of an ascending array; 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(operations: readonly Operation[]): HistorySummary {
  const counts: OutcomeCounts = { ok: 0, fail: 0, info: 0 };
  const byOperation: Record<string, OutcomeCounts> = {};
  const latencies: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const o of operations) {
    counts[o.outcome]++;
    byOperation[o.op] ??= { ok: 0, fail: 0, info: 0 };
    byOperation[o.op]![o.outcome]++;
    if (o.outcome !== 'info') latencies.push(o.completedAt - o.invokedAt);
    first = Math.min(first, o.invokedAt);
    last = Math.max(last, o.completedAt);
  }
  latencies.sort((a, b) => a - b);
  const decided = counts.ok + counts.fail;
  const seconds = operations.length > 0 ? (last - first) / 1000 : 0;
  return {
    operations: operations.length,
    counts,
    byOperation,
    latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    conflictRate: decided === 0 ? 0 : counts.fail / decided,
    throughput: seconds > 0 ? counts.ok / seconds : 0,
  };
}
