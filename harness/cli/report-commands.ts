/** `report` rebuilds a finished run's reports; `gate` compares a run with a baseline run. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compareRuns, DEFAULT_TOLERANCES, formatGate } from '../../reports/gate.ts';
import { RESULTS_SCHEMA_VERSION, type SuiteResults } from '../../reports/results-json.ts';
import { chooseStyle } from '../../reports/terminal.ts';
import { ExitCode, UsageError } from '../core/errors.ts';
import { errorMessage } from '../core/outcomes.ts';
import { writeReports } from './common.ts';
import type { CliOptions } from './options.ts';

/** Compare a run with the baseline; prints what regressed. */
export function gate(current: SuiteResults, options: CliOptions): number {
  const { results: baseline } = readResultsFile(options.baseline!, 'gate --baseline');
  const regressions = compareRuns(baseline, current, { ...DEFAULT_TOLERANCES, ...options.tolerances });
  console.log(formatGate(regressions, baseline.runs.length));
  return regressions.length > 0 ? ExitCode.checksFailed : ExitCode.ok;
}

/** `gate --baseline B [DIR]`: a finished run (default: the current folder's) against the baseline. */
export function gateCommand(options: CliOptions): number {
  return gate(readResultsFile(options.reportDir ?? '.', 'gate').results, options);
}

/** `report [DIR]`: (re)build the reports of a finished run from its results.json and histories. */
export async function reportCommand(options: CliOptions): Promise<number> {
  const { file, results } = readResultsFile(options.reportDir ?? options.out ?? '.', 'report');
  for (const line of await writeReports(dirname(file), results, chooseStyle())) console.log(line);
  return ExitCode.ok;
}

/** A results.json by its path or its run folder's. */
function readResultsFile(path: string, what: string): { file: string; results: SuiteResults } {
  const resolved = resolve(path);
  const file = resolved.endsWith('.json') ? resolved : join(resolved, 'results.json');
  let results: SuiteResults;
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as SuiteResults;
  } catch (error) {
    throw new UsageError(`${what}: cannot read ${file}: ${errorMessage(error)}`);
  }
  if (results.schemaVersion !== RESULTS_SCHEMA_VERSION || !Array.isArray(results.runs))
    throw new UsageError(
      `${what}: ${file} is not a results.json of schema version ${RESULTS_SCHEMA_VERSION} (found ${String(results.schemaVersion)})`,
    );
  return { file, results };
}
