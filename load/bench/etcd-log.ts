/**
 * Porcupine's own test data, the Jepsen etcd histories of its module
 * (`test_data/jepsen/etcd_*.log`, lines like `INFO  jepsen.util - 3 :invoke
 * :cas [1 4]`), read as Porcupine's tests read them: times are positions in
 * the log, a failed cas answered false (the comparison failed), a timed-out
 * read, any other failure and an invocation never completed have unknown outcomes.
 */
import { readFileSync } from 'node:fs';
import type { LinearOperation } from '../../harness/checkers/linearizable/model.ts';
import type { CasInput } from '../../harness/checkers/linearizable/models.ts';

type Output = number | null | boolean;

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail)\s+:(read|write|cas)\s+(.*)$/;

export function etcdLog(file: string): LinearOperation<CasInput, Output>[] {
  const operations: LinearOperation<CasInput, Output>[] = [];
  const open = new Map<number, LinearOperation<CasInput, Output>>();
  let time = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = LINE.exec(line.trimEnd());
    if (!match) continue;
    const [, processText, type, f, rest] = match as unknown as [string, string, string, string, string];
    const process = Number(processText);
    if (type === 'invoke') {
      const cas = /^\[(\d+)\s+(\d+)\]$/.exec(rest);
      const input: CasInput =
        f === 'read'
          ? { f: 'read' }
          : f === 'write'
            ? { f: 'write', value: Number(rest) }
            : { f: 'cas', from: Number(cas?.[1]), to: Number(cas?.[2]) };
      const operation = {
        id: operations.length,
        client: process,
        input,
        output: undefined,
        call: time++,
        return: Number.POSITIVE_INFINITY,
        known: false,
      };
      operations.push(operation);
      open.set(process, operation);
      continue;
    }
    // As Porcupine reads them: a failed cas answered false and a timed-out read is unknown; any other
    // failure is not a completion (the operation stays open, its outcome unknown).
    const completes = type === 'ok' || f === 'cas' || (f === 'read' && rest === ':timed-out');
    const operation = open.get(process);
    if (!operation || !completes) continue;
    open.delete(process);
    time++;
    if (f === 'read' && rest === ':timed-out') continue; // unknown: it stays open-ended
    operation.known = true;
    operation.return = time - 1;
    operation.output =
      f === 'read' ? (rest === 'nil' ? null : Number(rest)) : f === 'cas' ? type === 'ok' : null;
  }
  return operations;
}
