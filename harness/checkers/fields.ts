/**
 * How the general checkers read a user's shapes: through accessors, small
 * functions from an operation (or a final-state row) to one field. A field an
 * accessor does not find is remembered, and the checker then answers
 * `unknown`, naming the operation and the field: accessors that do not fit
 * the history must never let a run pass for want of data.
 */
import { type CheckResult, unknownResult, type Violation, verdictOf } from '../core/check.ts';
import { groupBy } from '../core/collections.ts';
import type { Operation } from '../core/history.ts';
import { errorMessage } from '../core/outcomes.ts';

/** What identifies a row, or what an operation is about: compared with ===, as a Map compares keys. */
export type Key = string | number | bigint;

/** One field of an operation (from its `args` or its `value`); undefined when the operation has none. */
export type OperationField<T> = (operation: Operation) => T | undefined;

/** One field of a final-state row; undefined when the row has none. */
export type RowField<Row, T> = (row: Row) => T | undefined;

/** The rows a checker judges, from the final state: a target's final state may hold several tables. */
export type RowsOf<State, Row> = (state: State) => readonly Row[] | undefined;

/** The default `rows`: the final state itself, when it is a list of rows. */
export function wholeState<State, Row>(state: State): readonly Row[] | undefined {
  return Array.isArray(state) ? (state as readonly Row[]) : undefined;
}

/** A checker's name (in results, and to tell two of one kind apart) and its one-line description. */
export interface CheckerLabel {
  name?: string;
  description?: string;
}

/** How many missing fields a reason lists; the rest are counted. */
const LISTED_MISSING = 3;

/** Reads fields through accessors and turns any it could not find into an `unknown` result. */
export class FieldReader {
  /** "where has no field" lines, each once. */
  private readonly missing = new Set<string>();

  constructor(private readonly checker: string) {}

  /** `field` of an operation, read with `read`. */
  op<T>(operation: Operation, field: string, read: OperationField<T>): T | undefined {
    return this.read(`operation #${operation.id} (${operation.op})`, field, () => read(operation));
  }

  /** `field` of a final-state row, read with `read`. */
  row<Row, T>(row: Row, field: string, read: RowField<Row, T>): T | undefined {
    return this.read(`final-state row ${brief(row)}`, field, () => read(row));
  }

  /** `field` of the final state as a whole (the rows a checker judges). */
  state<State, T>(state: State, field: string, read: (state: State) => T | undefined): T | undefined {
    return this.read('the final state', field, () => read(state));
  }

  /** The operations named `op`, grouped by the `key` each is about; those without one are left out (and remembered). */
  opsByKey(operations: readonly Operation[], op: string, key: OperationField<Key>): Map<Key, Operation[]> {
    return this.group(
      operations.filter((o) => o.op === op),
      (o) => this.op(o, 'key', key),
    );
  }

  /** The rows `rows` picks out of the final state; none when it finds nothing (remembered). */
  rowsOf<State, Row>(state: State, rows: RowsOf<State, Row>): readonly Row[] {
    return this.state(state, 'rows', rows) ?? [];
  }

  /** The rows grouped by the key `read` finds on each; those without one are left out (and remembered). */
  groupRows<Row>(rows: Iterable<Row>, field: string, read: RowField<Row, Key>): Map<Key, Row[]> {
    return this.group(rows, (row) => this.row(row, field, read));
  }

  /**
   * The checker's answer: its violations, unless a field it needed was
   * missing, or it had nothing to judge (`judged` says what it looked for and
   * how many it found); then `unknown`, saying why. A check over nothing holds
   * trivially, so it proves nothing.
   */
  result(violations: Violation[], judged?: { count: number; what: string }): CheckResult {
    if (this.missing.size === 0 && violations.length === 0 && judged?.count === 0)
      return { ...unknownResult(this.checker, `had nothing to judge: ${judged.what}`), vacuous: true };
    if (this.missing.size === 0) return verdictOf(this.checker, violations);
    const listed = [...this.missing].slice(0, LISTED_MISSING).join('; ');
    const more = this.missing.size > LISTED_MISSING ? ` (+${this.missing.size - LISTED_MISSING} more)` : '';
    return unknownResult(this.checker, `could not read every field it judges: ${listed}${more}`);
  }

  private group<T>(items: Iterable<T>, keyOf: (item: T) => Key | undefined): Map<Key, T[]> {
    const groups = groupBy(items, keyOf);
    groups.delete(undefined); // the items without a key, already remembered as missing
    return groups as Map<Key, T[]>;
  }

  /** null counts as missing too: a NULL column read through an accessor typed `number` would compare wrongly. */
  private read<T>(where: string, field: string, get: () => T | undefined): T | undefined {
    let value: T | undefined;
    try {
      value = get();
    } catch (error) {
      this.missing.add(`${where}: ${field} threw ${errorMessage(error)}`);
      return undefined;
    }
    if (value === undefined || value === null) {
      this.missing.add(`${where} has no ${field}`);
      return undefined;
    }
    return value;
  }
}

/** A row, short enough for a reason. */
function brief(row: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(row) ?? String(row);
  } catch {
    text = String(row); // a BigInt or a cycle
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `record[name]` when record is an object: how the default accessors read the built-in targets' shapes. */
function property(record: unknown, name: string): unknown {
  return typeof record === 'object' && record !== null
    ? (record as Record<string, unknown>)[name]
    : undefined;
}

/** The default accessor for a field of an operation's `args`, as the built-in targets shape them. */
export function argument<T>(name: string): OperationField<T> {
  return (operation) => property(operation.args, name) as T | undefined;
}

/** The default accessor for a field of an acknowledged operation's `value`. */
export function returned<T>(name: string): OperationField<T> {
  return (operation) => property(operation.value, name) as T | undefined;
}

/** The default accessor for a column of a final-state row. */
export function column<T>(name: string): RowField<unknown, T> {
  return (row) => property(row, name) as T | undefined;
}

/** The operation ids, as a violation names them. */
export function idsOf(operations: readonly Operation[]): number[] {
  return operations.map((o) => o.id);
}
