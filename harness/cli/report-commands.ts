/** `report` rebuilds a finished run's reports; `gate` compares a run with a baseline run. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compareRuns, DEFAULT_TOLERANCES, formatGate } from '../../reports/gate.ts';
import { chooseStyle } from '../../reports/terminal.ts';
import { ExitCode, shown, UsageError } from '../core/errors.ts';
import { errorMessage } from '../core/outcomes.ts';
import { parseSuiteResults, type SuiteResults } from '../core/results.ts';
import type { CliOptions } from './commands.ts';
import { writeReports } from './common.ts';
import type { GateOptions, ReportOptions } from './options.ts';

/** Compare a run with the baseline; prints what regressed. */
export function gate(
  current: SuiteResults,
  options: Pick<CliOptions, 'baseline' | 'tolerances'>,
  baseline: SuiteResults = readBaseline(options.baseline!),
): number {
  const regressions = compareRuns(baseline, current, { ...DEFAULT_TOLERANCES, ...options.tolerances });
  console.log(formatGate(regressions, baseline.runs.length));
  return regressions.length > 0 ? ExitCode.checksFailed : ExitCode.ok;
}

/** The --baseline results, validated: `run --baseline` reads it before anything runs. */
export function readBaseline(path: string): SuiteResults {
  return readResultsFile(path, '--baseline').results;
}

/** `gate --baseline B [DIR]`: a finished run (default: the current folder's) against the baseline. */
export function gateCommand(options: GateOptions): number {
  return gate(readResultsFile(options.reportDir ?? '.', 'gate').results, options);
}

/** `report [DIR]`: (re)build the reports of a finished run from its results.json and histories. */
export async function reportCommand(options: ReportOptions): Promise<number> {
  const { file, results } = readResultsFile(options.reportDir ?? options.out ?? '.', 'report');
  const { lines, written } = await writeReports(dirname(file), results, chooseStyle());
  for (const line of lines) console.log(line);
  // Writing the reports is all this command does: not writing them is its failure.
  return written ? ExitCode.ok : ExitCode.environment;
}

/** A results.json by its path or its run folder's, validated against the results schema. */
function readResultsFile(path: string, what: string): { file: string; results: SuiteResults } {
  const resolved = resolve(path);
  const file = resolved.endsWith('.json') ? resolved : join(resolved, 'results.json');
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${what}: cannot read ${file}: ${errorMessage(error)}`);
  }
  const parsed = parseSuiteResults(content);
  if (!parsed.ok)
    throw new UsageError(`${what}: ${file} is not a valid results.json: ${shown(parsed.error)}`);
  return { file, results: parsed.results };
}
