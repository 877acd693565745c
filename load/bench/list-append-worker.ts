/**
 * One measurement of the list-append checker, in a process of its own so its
 * peak RSS is its own: generates N transactions, checks them, and prints
 * `<valid> <milliseconds> <peak RSS in MB> <RSS of the history alone in MB>`
 * (the peak includes the history, read after a collection).
 */
import { checkListAppend } from '../../harness/checkers/transactional/list-append.ts';
import { listAppendHistory } from './generated-histories.ts';

const transactions = Number(process.argv[2]);
const history = listAppendHistory(transactions, 10, { seed: transactions });
(globalThis as { gc?: () => void }).gc?.();
const historyMb = process.memoryUsage().rss / 1024 / 1024;
const started = performance.now();
const result = checkListAppend(history, 'strict-serializable');
const ms = performance.now() - started;
console.log(
  `${result.valid} ${ms.toFixed(1)} ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} ${historyMb.toFixed(0)}`,
);
