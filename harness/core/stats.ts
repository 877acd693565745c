/** Summary figures of a history: outcome counts, latency percentiles, conflict rate. */
import type { z } from 'zod';
import type { Operation, Outcome } from './history.ts';
import type { HistorySummarySchema } from './results.ts';

export type OutcomeCounts = Record<Outcome, number>;

export interface SummaryOptions {
  /** Measure paced operations from their intended start (default true). */
  correctCoordinatedOmission?: boolean;
}

export type HistorySummary = z.infer<typeof HistorySummarySchema>;

/** The middle value; with an even count, the mean of the two middle ones. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile of an ascending array; 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** When an operation's latency starts: its intended start if paced and corrected, else its invocation. */
const latencyStart = (o: Operation, correct: boolean) =>
  correct && o.intendedAt !== undefined ? o.intendedAt : o.invokedAt;

/** Latencies (ms, ascending) of the operations with a known outcome (ok or fail). */
export function latenciesOf(operations: readonly Operation[], correctCoordinatedOmission: boolean): number[] {
  return operations
    .filter((o) => o.outcome !== 'info')
    .map((o) => o.completedAt - latencyStart(o, correctCoordinatedOmission))
    .sort((a, b) => a - b);
}

export function summarize(operations: readonly Operation[], options: SummaryOptions = {}): HistorySummary {
  const correct = options.correctCoordinatedOmission ?? true;
  let corrected = false;
  const counts: OutcomeCounts = { ok: 0, fail: 0, info: 0 };
  const byOperation: Record<string, OutcomeCounts> = {};
  const latencies = latenciesOf(operations, correct);
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const o of operations) {
    counts[o.outcome]++;
    byOperation[o.op] ??= { ok: 0, fail: 0, info: 0 };
    byOperation[o.op]![o.outcome]++;
    if (o.outcome !== 'info' && latencyStart(o, correct) !== o.invokedAt) corrected = true;
    first = Math.min(first, o.invokedAt);
    last = Math.max(last, o.completedAt);
  }
  const decided = counts.ok + counts.fail;
  const seconds = operations.length > 0 ? (last - first) / 1000 : 0;
  return {
    operations: operations.length,
    counts,
    byOperation,
    latency: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p97_5: percentile(latencies, 97.5),
      p99: percentile(latencies, 99),
      p99_9: percentile(latencies, 99.9),
      max: latencies.at(-1) ?? 0,
      correctedForCoordinatedOmission: corrected,
    },
    conflictRate: decided === 0 ? 0 : counts.fail / decided,
    throughput: seconds > 0 ? counts.ok / seconds : 0,
  };
}
