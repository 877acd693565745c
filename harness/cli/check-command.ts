/**
 * `check FILE... --model M`: judge recorded histories without running
 * anything, one verdict line per file (and, for an invalid one, why). Exit 0
 * when every file is linearizable, 1 when one is not or is unknown, 2 when
 * one cannot be read (named with its line).
 */
import { printable } from '../../reports/printable.ts';
import { HistoryFileError, readHistoryFile } from '../checkers/histories/history-file.ts';
import { checkLinearizable, DEFAULT_BUDGET_MS } from '../checkers/linearizable/check.ts';
import { historyForModel } from '../checkers/linearizable/history-models.ts';
import { ExitCode, UsageError } from '../core/errors.ts';
import type { CheckOptions } from './options.ts';

export function checkCommand(options: CheckOptions): number {
  if (!options.model)
    throw new UsageError('check: name the model to judge against, e.g. --model cas-register');
  let exitCode: number = ExitCode.ok;
  for (const file of options.historyFiles ?? []) {
    const started = performance.now();
    let line: string;
    try {
      const { model, history } = historyForModel(options.model, readHistoryFile(file));
      const result = checkLinearizable(model, history, { budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS });
      const took = `${Math.round(performance.now() - started)} ms`;
      const size = `${result.operations} operations, ${result.partitions} partition(s), ${took}`;
      if (result.verdict === 'valid') line = `${file}: valid (${size})`;
      else if (result.verdict === 'unknown') line = `${file}: unknown (${size}): ${result.reason}`;
      else line = `${file}: invalid (${size})\n${result.explanation.replace(/^/gm, '  ')}`;
      if (result.verdict !== 'valid') exitCode = Math.max(exitCode, ExitCode.checksFailed);
    } catch (error) {
      if (
        !(error instanceof HistoryFileError) &&
        !(error instanceof Error && /^operation \d+/.test(error.message))
      )
        throw error;
      line = error instanceof HistoryFileError ? `${error.message}` : `${file}: ${error.message}`;
      exitCode = Math.max(exitCode, ExitCode.usage);
    }
    // Values come from the file: shown escaped, a line each.
    console.log(line.split('\n').map(printable).join('\n'));
  }
  return exitCode;
}
