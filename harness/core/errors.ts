/**
 * Errors that end a run with a specific exit code. Anything else that escapes
 * is a bug in the harness and exits with the generic code 1 plus a stack.
 */

/** Exit codes, documented in README.md. */
export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  usage: 2,
  environment: 3,
  thresholdFailed: 99,
  interrupted: 130,
} as const;

/** Bad command line, unknown scenario/target/variant, malformed config. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
  override name = 'UsageError';
}

/** A database or other component the run needs could not be brought up or reached. */
export class EnvironmentError extends Error {
  readonly exitCode = ExitCode.environment;
  override name = 'EnvironmentError';
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof EnvironmentError) return error.exitCode;
  return ExitCode.checksFailed;
}

const SHOWN_CHARACTERS = 80;

/**
 * A user's value inside an error message: quoted and escaped as JSON, so a
 * newline or control character in it cannot fake a line of output (a CI log
 * reads `::` at a line's start as a command), and cut short when long.
 */
export function shown(value: unknown): string {
  const text = String(value);
  if (text.length <= SHOWN_CHARACTERS) return JSON.stringify(text);
  return `${JSON.stringify(`${text.slice(0, SHOWN_CHARACTERS)}…`)} (${text.length} characters)`;
}
