/**
 * The linearizability checker as a target's checker: the run's history read
 * as model operations, the final state as reads after everything, judged by
 * checkLinearizable. Invalid names the operations of the witness, so the
 * report draws them per client on a timeline.
 */
import type { Checker } from '../../core/check.ts';
import type { Operation } from '../../core/history.ts';
import { checkLinearizable, DEFAULT_BUDGET_MS, linearOperations } from './check.ts';
import { FINAL_STATE_CLIENT, type LinearOperation, type Model } from './model.ts';

export interface LinearizableOptions<FinalState, State, Input, Output> {
  model: Model<State, Input, Output>;
  /** The operation as the model's input; undefined leaves it out (an operation the model does not cover). */
  input(operation: Operation): Input | undefined;
  /** What an acknowledged (`ok`) operation answered, as the model's output. */
  output(operation: Operation): Output;
  /** Reads of the final state, judged as operations after every other. */
  finalReads?(finalState: FinalState): { input: Input; output: Output }[];
  /** Past it the verdict is unknown (default 10 s). */
  budgetMs?: number;
  name?: string;
}

export function linearizable<FinalState, State, Input, Output>(
  options: LinearizableOptions<FinalState, State, Input, Output>,
): Checker<FinalState> {
  const name = options.name ?? 'linearizable';
  return {
    name,
    description: `the history is linearizable against the ${options.model.name} model`,
    check({ operations, finalState }) {
      const history = linearOperations(operations, options.input, options.output);
      const end = operations.reduce((t, op) => Math.max(t, op.completedAt), 0) + 1;
      const nextId = operations.reduce((id, op) => Math.max(id, op.id), -1) + 1;
      const finalReads: LinearOperation<Input, Output>[] = (options.finalReads?.(finalState) ?? []).map(
        (read, i) => ({
          id: nextId + i,
          client: FINAL_STATE_CLIENT,
          input: read.input,
          output: read.output,
          call: end,
          return: end,
          known: true,
        }),
      );
      const result = checkLinearizable(options.model, [...history, ...finalReads], {
        budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS,
      });
      const metrics = { operations: result.operations, partitions: result.partitions };
      if (result.verdict === 'valid') return { checker: name, verdict: 'valid', violations: [], metrics };
      if (result.verdict === 'unknown')
        return { checker: name, verdict: 'unknown', violations: [], reason: result.reason, metrics };
      return {
        checker: name,
        verdict: 'invalid',
        // The final reads are not operations of the history: the report names only real ones.
        violations: [
          {
            invariant: 'linearizable',
            message: result.explanation,
            operations: result.witness.filter((id) => id < nextId),
          },
        ],
        metrics,
      };
    },
  };
}
