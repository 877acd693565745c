/**
 * The vocabulary of the linearizability checker: a sequential model of the
 * object under test, in Porcupine's shape, and the operations of a history as
 * the checker reads them.
 */

/**
 * A sequential specification. `step` says whether `input` answered with
 * `output` is possible in `state`, and the state after it. When the outcome
 * of an operation is unknown (`info`: a timeout, a dropped connection),
 * `output` is `undefined`: `step` must then accept it and return the state as
 * if it took effect (the checker also tries it at the end, which stands for
 * "never").
 */
export interface Model<State, Input, Output> {
  name: string;
  init(): State;
  step(state: State, input: Input, output: Output | undefined): readonly [ok: boolean, next: State];
  /** State equality, for the search's cache; `Object.is` when absent (keep states primitive or shared). */
  equal?(a: State, b: State): boolean;
  /**
   * Split a history into independent ones (one per key, say) that are each
   * linearizable exactly when the whole is (P-compositionality).
   */
  partition?(operations: readonly LinearOperation<Input, Output>[]): LinearOperation<Input, Output>[][];
  /** An operation with an unknown outcome that changes nothing (a read) is dropped before the search. */
  readOnly?(input: Input): boolean;
  /**
   * True when an operation answered `output` cannot have changed the state,
   * wherever it is placed (a read, a compare-and-set that answered false, an
   * update refused on a version conflict). The search then places it as early
   * as it can and tries no other place: a partial-order reduction that keeps
   * many concurrent reads from multiplying the orders to try.
   */
  changesNothing?(input: Input, output: Output): boolean;
  describeOperation?(input: Input, output: Output | undefined): string;
  describeState?(state: State): string;
}

/** The client of a read of the final state, judged after every operation of the history. */
export const FINAL_STATE_CLIENT = -1;

/** One operation of a history, as the checker sees it. */
export interface LinearOperation<Input, Output> {
  /** The operation's id in the history (what violations name). */
  id: number;
  /** Who ran it; FINAL_STATE_CLIENT for a read of the final state. */
  client: number;
  input: Input;
  /** Undefined when the outcome is unknown (`known` false). */
  output: Output | undefined;
  /** When it was invoked. */
  call: number;
  /** When it completed; for an unknown outcome, Infinity: it may take effect at any time after its call. */
  return: number;
  known: boolean;
}

/** What any model can say of an operation and a state without its own describe functions. */
export function describeOperation<Input, Output>(
  model: Model<unknown, Input, Output>,
  operation: LinearOperation<Input, Output>,
): string {
  if (model.describeOperation) return model.describeOperation(operation.input, operation.output);
  const output = operation.known ? JSON.stringify(operation.output) : '?';
  return `${JSON.stringify(operation.input)} -> ${output}`;
}

export function describeState<State>(model: Model<State, unknown, unknown>, state: State): string {
  return model.describeState ? model.describeState(state) : JSON.stringify(state);
}
