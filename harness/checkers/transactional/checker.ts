/**
 * Elle's checkers as a target's checker: the run's transactions (an
 * operation's args are its micro-operations as invoked, its value what it
 * completed with) judged against the consistency model the target promises.
 * Each anomaly is a violation, explained edge by edge and naming the
 * transactions (operations) of its cycle.
 */
import type { Checker } from '../../core/check.ts';
import type { Operation } from '../../core/history.ts';
import { errorMessage } from '../../core/outcomes.ts';
import type { HistoryOperation } from '../histories/history-file.ts';
import {
  type AnomalyName,
  type ConsistencyModel,
  PROHIBITED,
  type TransactionalResult,
} from './anomalies.ts';
import { TRANSACTIONAL_WORKLOADS, type TransactionalWorkload } from './history-transactions.ts';

export interface TransactionalOptions<State> {
  /** `list-append` (appends, whole-list reads) or `rw-register` (unique writes, single-value reads). */
  workload: TransactionalWorkload;
  /** The model the history must hold, or how to read it from the final state (e.g. from the isolation level run). */
  consistency: ConsistencyModel | ((finalState: State) => ConsistencyModel);
  /** The operations that are this workload's transactions (default: those named after the workload). */
  isTransaction?(operation: Operation): boolean;
  name?: string;
}

/** The metrics that count each anomaly found: `anomaly:G-single`. */
export const ANOMALY_METRIC = 'anomaly:';

/** The anomalies a transactional check found, by name, from its metrics. */
export function anomaliesCounted(metrics: Record<string, number> | undefined): Map<AnomalyName, number> {
  const found = new Map<AnomalyName, number>();
  for (const [key, count] of Object.entries(metrics ?? {}))
    if (key.startsWith(ANOMALY_METRIC)) found.set(key.slice(ANOMALY_METRIC.length) as AnomalyName, count);
  return found;
}

/** A run's operation as a history file's: the same fields Elle reads. */
const asHistoryOperation = (operation: Operation): HistoryOperation => ({
  id: operation.id,
  process: operation.worker,
  f: operation.op,
  value: operation.args,
  result: operation.value,
  type: operation.outcome,
  call: operation.invokedAt,
  return: operation.outcome === 'info' ? Number.POSITIVE_INFINITY : operation.completedAt,
});

export function transactional<State>(options: TransactionalOptions<State>): Checker<State> {
  const name = options.name ?? options.workload;
  const isTransaction = options.isTransaction ?? ((o: Operation) => o.op === options.workload);
  return {
    name,
    description: `${options.workload} transactions show no anomaly the consistency model prohibits (Elle)`,
    check({ operations, finalState }) {
      const consistency =
        typeof options.consistency === 'function' ? options.consistency(finalState) : options.consistency;
      const transactions = operations.filter(isTransaction).map(asHistoryOperation);
      let result: TransactionalResult;
      try {
        result = TRANSACTIONAL_WORKLOADS[options.workload](transactions, consistency);
      } catch (error) {
        return { checker: name, verdict: 'unknown', violations: [], reason: errorMessage(error) };
      }
      // Every anomaly found, allowed or not, counted by name: what the anomaly table per level shows.
      const metrics: Record<string, number> = {
        transactions: result.transactions,
        committed: transactions.filter((t) => t.type === 'ok').length,
      };
      for (const anomaly of result.anomalies)
        metrics[`${ANOMALY_METRIC}${anomaly.name}`] = (metrics[`${ANOMALY_METRIC}${anomaly.name}`] ?? 0) + 1;
      if (metrics.committed === 0)
        return {
          checker: name,
          verdict: 'unknown',
          violations: [],
          reason:
            transactions.length === 0
              ? `no ${options.workload} transaction in the history: nothing to judge`
              : `none of the ${transactions.length} transactions committed: nothing to judge`,
          metrics,
        };
      // Anomalies the model allows are shown in the metrics, not as violations.
      const prohibited = result.anomalies.filter((a) => PROHIBITED[consistency].includes(a.name));
      return {
        checker: name,
        verdict: prohibited.length > 0 ? 'invalid' : 'valid',
        violations: prohibited.map((anomaly) => ({
          invariant: anomaly.name,
          message: `${anomaly.name} (prohibited by ${consistency}): ${anomaly.explanation}`,
          operations: anomaly.transactions,
        })),
        metrics,
      };
    },
  };
}
