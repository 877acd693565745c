/**
 * `check FILE...`: judge recorded histories without running anything, one
 * verdict line per file (and, for an invalid one, why): linearizable against
 * `--model`, or, with `--workload list-append` or `rw-register`, free of the
 * anomalies `--consistency` prohibits. Every verdict, with its anomalies and
 * their explanations, goes to results.json and the HTML report. Exit 0 when
 * every file holds, 1 when one does not or is unknown, 2 when one cannot be
 * read (named with its line) or does not fit the model.
 */
import { printable } from '../../reports/printable.ts';
import { writeResults } from '../../reports/results-json.ts';
import { chooseStyle } from '../../reports/terminal.ts';
import {
  HistoryFileError,
  type HistoryOperation,
  MisfitOperationError,
  readHistoryFile,
} from '../checkers/histories/history-file.ts';
import { checkLinearizable, DEFAULT_BUDGET_MS } from '../checkers/linearizable/check.ts';
import { historyForModel } from '../checkers/linearizable/history-models.ts';
import { TRANSACTIONAL_WORKLOADS } from '../checkers/transactional/history-transactions.ts';
import { ExitCode, UsageError } from '../core/errors.ts';
import type { HistoryCheck, SuiteResults } from '../core/results.ts';
import { newResults, outDirOf, writeReports } from './common.ts';
import { chaosCommand } from './invocation.ts';
import type { CheckOptions } from './options.ts';

const elapsed = (started: number) => Math.round(performance.now() - started);

/** What judges the files, as results.json and the report name it. */
const judgedByOf = (options: CheckOptions) =>
  options.model
    ? `linearizable against ${options.model}`
    : `${options.workload} under ${options.consistency ?? 'serializable'}`;

/** A file's verdict for results.json, and as the terminal shows it: a line, then the why, indented. */
type Judged = { check: HistoryCheck; line: string };

function linearizabilityOf(file: string, operations: HistoryOperation[], options: CheckOptions): Judged {
  const started = performance.now();
  const { model, history } = historyForModel(options.model!, operations);
  const result = checkLinearizable(model, history, { budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS });
  const check: HistoryCheck = {
    file,
    judgedBy: judgedByOf(options),
    verdict: result.verdict,
    size: result.operations,
    durationMs: elapsed(started),
  };
  const size = `${result.operations} operations, ${result.partitions} partition(s), ${check.durationMs} ms`;
  if (result.verdict === 'valid') return { check, line: `${file}: valid (${size})` };
  if (result.verdict === 'unknown') {
    check.explanation = result.reason;
    return { check, line: `${file}: unknown (${size}): ${result.reason}` };
  }
  check.explanation = result.explanation;
  return { check, line: `${file}: invalid (${size})\n${result.explanation.replace(/^/gm, '  ')}` };
}

function anomaliesOf(file: string, operations: HistoryOperation[], options: CheckOptions): Judged {
  const started = performance.now();
  const consistency = options.consistency ?? 'serializable';
  const result = TRANSACTIONAL_WORKLOADS[options.workload!](operations, consistency);
  const check: HistoryCheck = {
    file,
    judgedBy: judgedByOf(options),
    verdict: result.valid ? 'valid' : 'invalid',
    size: result.transactions,
    durationMs: elapsed(started),
    anomalies: result.anomalies,
    weakestViolated: result.weakestViolated,
  };
  const weakest =
    result.weakestViolated.length > 0 ? `; violates ${result.weakestViolated.join(' and ')}` : '';
  const lines = [
    `${file}: ${check.verdict} under ${consistency} (${result.transactions} transactions, ${check.durationMs} ms)${weakest}`,
    ...result.anomalies.map((anomaly) => `  ${anomaly.name}: ${anomaly.explanation}`),
  ];
  return { check, line: lines.join('\n') };
}

function judge(file: string, options: CheckOptions): Judged {
  try {
    const operations = readHistoryFile(file);
    return options.model
      ? linearizabilityOf(file, operations, options)
      : anomaliesOf(file, operations, options);
  } catch (error) {
    // An unreadable file, or an operation that does not fit the model: named, and the next file is judged.
    if (!(error instanceof HistoryFileError) && !(error instanceof MisfitOperationError)) throw error;
    const line = error instanceof HistoryFileError ? error.message : `${file}: ${error.message}`;
    return { check: { file, judgedBy: judgedByOf(options), verdict: 'unreadable', explanation: line }, line };
  }
}

/** The command that judges the same files the same way. */
function replayOf(options: CheckOptions): string {
  const judgedBy = options.model
    ? [
        '--model',
        options.model,
        ...(options.budgetMs !== undefined ? ['--budget', `${options.budgetMs}ms`] : []),
      ]
    : ['--workload', options.workload!, '--consistency', options.consistency ?? 'serializable'];
  return [
    chaosCommand(),
    'check',
    ...(options.historyFiles ?? []).map((f) => JSON.stringify(f)),
    ...judgedBy,
  ].join(' ');
}

const EXIT_OF: Record<HistoryCheck['verdict'], number> = {
  valid: ExitCode.ok,
  invalid: ExitCode.checksFailed,
  unknown: ExitCode.checksFailed,
  unreadable: ExitCode.usage,
};

export async function checkCommand(options: CheckOptions): Promise<number> {
  if (!options.model === !options.workload)
    throw new UsageError(
      'check: name one of --model M (linearizability) or --workload list-append|rw-register (anomalies)',
    );
  if (options.consistency && !options.workload)
    throw new UsageError('check: --consistency goes with --workload');
  if (options.budgetMs !== undefined && !options.model)
    throw new UsageError('check: --budget goes with --model');
  const checks: HistoryCheck[] = [];
  const results: SuiteResults = {
    ...newResults(0, replayOf(options)),
    historyChecks: checks,
  };
  let exitCode: number = ExitCode.ok;
  for (const file of options.historyFiles ?? []) {
    const { check, line } = judge(file, options);
    checks.push(check);
    exitCode = Math.max(exitCode, EXIT_OF[check.verdict]);
    // Values come from the file: shown escaped, a line each.
    console.log(line.split('\n').map(printable).join('\n'));
  }
  // The folder only now, and older runs left as they are: the files judged may be their histories,
  // which pruning would compress or delete.
  const outDir = outDirOf(options, 'check-', { retain: false });
  results.finishedAt = new Date().toISOString();
  results.passed = exitCode === ExitCode.ok;
  results.exitCode = exitCode;
  console.log(`results: ${writeResults(outDir, results)}`);
  for (const line of (await writeReports(outDir, results, chooseStyle())).lines) console.log(line);
  return exitCode;
}
