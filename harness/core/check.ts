/**
 * A checker judges a finished run: the history of operations plus the final
 * state read from the target. It answers `valid`, `invalid` (with violations
 * that name the operations proving them) or `unknown` (it could not decide,
 * e.g. it ran out of its budget). It must never call a history invalid when an
 * `info` operation (unknown outcome) could explain what it saw.
 */
import type { z } from 'zod';
import type { Operation } from './history.ts';
import { errorMessage } from './outcomes.ts';
import type { CheckResultSchema, ViolationSchema } from './results.ts';

export type Verdict = CheckResult['verdict'];

export type Violation = z.infer<typeof ViolationSchema>;

/** A checker's answer; violations name the operations that prove them. */
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const MAX_VIOLATIONS_KEPT = 200;

/** The operations of a violation that stands for several independent cases: all of them, and each case's. */
export function operationsByCase(cases: number[][]): Pick<Violation, 'operations' | 'cases'> {
  return { operations: [...new Set(cases.flat())], cases };
}

/** Every violation the checks found, including those not kept in the results. */
export function violationTotal(checks: readonly CheckResult[]): number {
  return checks.reduce((n, c) => n + c.violations.length + (c.omitted ?? 0), 0);
}

/** Keep the first violations of a result so a badly broken run does not produce a huge report. */
export function capViolations(result: CheckResult, max = MAX_VIOLATIONS_KEPT): CheckResult {
  if (result.violations.length <= max) return result;
  return { ...result, violations: result.violations.slice(0, max), omitted: result.violations.length - max };
}

export interface CheckInput<State> {
  operations: Operation[];
  finalState: State;
}

export interface Checker<State> {
  name: string;
  description: string;
  check(input: CheckInput<State>): CheckResult;
}

export function verdictOf(checker: string, violations: Violation[]): CheckResult {
  return { checker, verdict: violations.length > 0 ? 'invalid' : 'valid', violations };
}

/** A judgement that could not be made, and why: the verdict that never passes a run silently. */
export function unknownResult(checker: string, reason: string): CheckResult {
  return { checker, verdict: 'unknown', violations: [], reason };
}

/** Combine several results: any invalid wins, then any unknown, else valid. */
export function combineVerdicts(results: CheckResult[]): Verdict {
  if (results.some((r) => r.verdict === 'invalid')) return 'invalid';
  if (results.some((r) => r.verdict === 'unknown')) return 'unknown';
  return 'valid';
}

/** Judge with every checker: a checker that throws is `unknown` with the reason, and each keeps its first violations. */
export function runCheckers<State>(
  checkers: readonly Checker<State>[],
  input: CheckInput<State>,
): CheckResult[] {
  return checkers.map((checker) => {
    try {
      return capViolations(checker.check(input));
    } catch (error) {
      return unknownResult(checker.name, `checker crashed: ${errorMessage(error)}`);
    }
  });
}
