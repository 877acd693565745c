/**
 * `check FILE...`: judge recorded histories without running anything, one
 * verdict line per file (and, for an invalid one, why): linearizable against
 * `--model`, or, with `--workload list-append` or `rw-register`, free of the anomalies
 * `--consistency` prohibits. Exit 0 when every file holds, 1 when one does not
 * or is unknown, 2 when one cannot be read (named with its line) or does not
 * fit the model.
 */
import { printable } from '../../reports/printable.ts';
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
import type { CheckOptions } from './options.ts';

type Verdict = { holds: boolean; line: string };

function linearizabilityOf(file: string, operations: HistoryOperation[], options: CheckOptions): Verdict {
  const started = performance.now();
  const { model, history } = historyForModel(options.model!, operations);
  const result = checkLinearizable(model, history, { budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS });
  const size = `${result.operations} operations, ${result.partitions} partition(s), ${Math.round(performance.now() - started)} ms`;
  if (result.verdict === 'valid') return { holds: true, line: `${file}: valid (${size})` };
  if (result.verdict === 'unknown')
    return { holds: false, line: `${file}: unknown (${size}): ${result.reason}` };
  return { holds: false, line: `${file}: invalid (${size})\n${result.explanation.replace(/^/gm, '  ')}` };
}

function anomaliesOf(file: string, operations: HistoryOperation[], options: CheckOptions): Verdict {
  const started = performance.now();
  const check = TRANSACTIONAL_WORKLOADS[options.workload!];
  const result = check(operations, options.consistency ?? 'serializable');
  const size = `${result.transactions} transactions, ${Math.round(performance.now() - started)} ms`;
  const verdict = result.valid ? 'valid' : 'invalid';
  const weakest =
    result.weakestViolated.length > 0 ? `; violates ${result.weakestViolated.join(' and ')}` : '';
  const lines = [`${file}: ${verdict} under ${result.consistency} (${size})${weakest}`];
  for (const anomaly of result.anomalies) lines.push(`  ${anomaly.name}: ${anomaly.explanation}`);
  return { holds: result.valid, line: lines.join('\n') };
}

export function checkCommand(options: CheckOptions): number {
  if (!options.model === !options.workload)
    throw new UsageError(
      'check: name one of --model M (linearizability) or --workload list-append|rw-register (anomalies)',
    );
  if (options.consistency && !options.workload)
    throw new UsageError('check: --consistency goes with --workload');
  if (options.budgetMs !== undefined && !options.model)
    throw new UsageError('check: --budget goes with --model');
  let exitCode: number = ExitCode.ok;
  for (const file of options.historyFiles ?? []) {
    let line: string;
    try {
      const operations = readHistoryFile(file);
      const verdict = options.model
        ? linearizabilityOf(file, operations, options)
        : anomaliesOf(file, operations, options);
      line = verdict.line;
      if (!verdict.holds) exitCode = Math.max(exitCode, ExitCode.checksFailed);
    } catch (error) {
      // An unreadable file, or an operation that does not fit the model: named, and the next file is judged.
      if (!(error instanceof HistoryFileError) && !(error instanceof MisfitOperationError)) throw error;
      line = error instanceof HistoryFileError ? error.message : `${file}: ${error.message}`;
      exitCode = Math.max(exitCode, ExitCode.usage);
    }
    // Values come from the file: shown escaped, a line each.
    console.log(line.split('\n').map(printable).join('\n'));
  }
  return exitCode;
}
