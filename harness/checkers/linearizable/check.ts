/**
 * Is a history linearizable against a model? The checker of Porcupine and
 * Knossos: failed operations never took effect and are dropped; operations
 * with an unknown outcome may take effect at any point after their call, or
 * never; the model's partition splits the history into independent parts
 * searched one by one. Past the time budget the answer is `unknown`, never
 * `valid`. An invalid answer names the longest linearizable prefix found and
 * the operation that fits after none of its orders.
 */
import type { Operation } from '../../core/history.ts';
import {
  describeOperation,
  describeState,
  FINAL_STATE_CLIENT,
  type LinearOperation,
  type Model,
} from './model.ts';
import { searchLinearization } from './search.ts';

export const DEFAULT_BUDGET_MS = 10_000;

export interface LinearizabilityOptions {
  /** Give up after this long (the answer is then unknown); default 10 s. */
  budgetMs?: number;
  /** Find why an invalid history is invalid (default true); false gives the verdict alone, sooner. */
  explain?: boolean;
}

export type LinearizabilityResult =
  | { verdict: 'valid'; partitions: number; operations: number }
  | { verdict: 'unknown'; partitions: number; operations: number; reason: string }
  | {
      verdict: 'invalid';
      partitions: number;
      operations: number;
      /** Operation ids: the end of the longest linearizable prefix, then the one that fits nowhere. */
      witness: number[];
      explanation: string;
    };

/**
 * Operations of the harness's history as the checker reads them: fails
 * dropped, unknown outcomes open-ended, and those `toInput` gives no input
 * for (operations the model does not cover) left out.
 */
export function linearOperations<Input, Output>(
  operations: readonly Operation[],
  toInput: (operation: Operation) => Input | undefined,
  toOutput: (operation: Operation) => Output,
): LinearOperation<Input, Output>[] {
  return operations.flatMap((operation) => {
    const input = operation.outcome === 'fail' ? undefined : toInput(operation);
    if (input === undefined) return [];
    const known = operation.outcome === 'ok';
    return [
      {
        id: operation.id,
        client: operation.worker,
        input,
        output: known ? toOutput(operation) : undefined,
        call: operation.invokedAt,
        return: known ? operation.completedAt : Number.POSITIVE_INFINITY,
        known,
      },
    ];
  });
}

const who = (operation: LinearOperation<unknown, unknown>) =>
  operation.client === FINAL_STATE_CLIENT ? 'the final state read' : `client ${operation.client}`;

/** How many operations of the prefix an explanation shows before the one that fits nowhere. */
const PREFIX_SHOWN = 5;

export function checkLinearizable<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: readonly LinearOperation<Input, Output>[],
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  const deadline = performance.now() + (options.budgetMs ?? DEFAULT_BUDGET_MS);
  // An unknown outcome of an operation that changes nothing cannot constrain anything.
  const relevant = history.filter((op) => op.known || !model.readOnly?.(op.input));
  const partitions = model.partition ? model.partition(relevant) : [relevant];
  const operations = relevant.length;
  for (const [index, partition] of partitions.entries()) {
    const outcome = searchLinearization(model, partition, deadline, options.explain ?? true);
    if (outcome.kind === 'out-of-time') {
      return {
        verdict: 'unknown',
        partitions: partitions.length,
        operations,
        reason:
          `no answer within the ${(options.budgetMs ?? DEFAULT_BUDGET_MS) / 1000} s budget ` +
          `(partition ${index + 1} of ${partitions.length}, ${partition.length} operations, ` +
          `${outcome.linearized} linearized when it ran out)`,
      };
    }
    if (outcome.kind === 'not-linearizable' && outcome.stuck < 0) {
      return {
        verdict: 'invalid',
        partitions: partitions.length,
        operations,
        witness: [],
        explanation: `not linearizable against ${model.name} (asked for the verdict alone, not why)`,
      };
    }
    if (outcome.kind === 'not-linearizable') {
      const prefix = outcome.longestPrefix.map((i) => partition[i]!);
      const stuck = partition[outcome.stuck]!;
      const shown = prefix.slice(-PREFIX_SHOWN);
      const lines = [
        `not linearizable against ${model.name}` +
          (partitions.length > 1 ? ` (partition ${index + 1} of ${partitions.length})` : '') +
          `: ${prefix.length} of ${partition.length} operations can be ordered, then`,
        `  op ${stuck.id} (${who(stuck)}) ${describeOperation(model, stuck)} fits nowhere: ` +
          `in state ${describeState(model as Model<State, unknown, unknown>, outcome.state)} it cannot happen, ` +
          'and no other order of the operations before it was found that allows it',
        ...(shown.length > 0
          ? [
              `  the longest order found ends with: ${shown
                .map((op) => `op ${op.id} ${describeOperation(model, op)}`)
                .join('; ')}`,
            ]
          : []),
      ];
      return {
        verdict: 'invalid',
        partitions: partitions.length,
        operations,
        witness: [...shown.map((op) => op.id), stuck.id],
        explanation: lines.join('\n'),
      };
    }
  }
  return { verdict: 'valid', partitions: partitions.length, operations };
}
