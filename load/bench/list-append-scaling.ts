/**
 * The list-append checker's scaling: 10,000, 100,000 and 1,000,000
 * generated transactions (strict serializable by construction, so each must
 * be judged valid), each checked in a process of its own for its time and
 * peak RSS. Goals: 100,000 under 5 s; 1,000,000 under 60 s and 1 GB; and
 * time growing linearly, the time per transaction at 1,000,000 within 30% of
 * that at 100,000.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './table.ts';

const WORKER = join(import.meta.dirname, 'list-append-worker.ts');
const SIZES = [10_000, 100_000, 1_000_000];

function measure(transactions: number): { valid: boolean; ms: number; mb: number; historyMb: number } {
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--max-old-space-size=8192', WORKER, String(transactions)],
    {
      encoding: 'utf8',
    },
  );
  if (run.status !== 0)
    throw new Error(`list-append worker failed on ${transactions}: ${run.stderr.trim().slice(-500)}`);
  const [valid, ms, mb, historyMb] = run.stdout.trim().split(' ');
  return { valid: valid === 'true', ms: Number(ms), mb: Number(mb), historyMb: Number(historyMb) };
}

export function listAppendScaling(): BenchResult[] {
  const measured = new Map(SIZES.map((size) => [size, measure(size)]));
  for (const [size, m] of measured)
    console.log(
      `  ${size.toLocaleString('en-US')} transactions: ${m.valid ? 'valid' : 'INVALID'}, ${(m.ms / 1000).toFixed(2)} s, peak RSS ${m.mb} MB (the history alone ${m.historyMb} MB)`,
    );
  const at = (size: number) => measured.get(size)!;
  const growth = at(1_000_000).ms / 1_000_000 / (at(100_000).ms / 100_000);
  const wrong = SIZES.filter((size) => !at(size).valid);
  return [
    {
      kind: 'limit',
      measurement: 'list-append: 100,000 transactions',
      figure: at(100_000).ms / 1000,
      unit: 's',
      limit: 5,
    },
    {
      kind: 'limit',
      measurement: 'list-append: 1,000,000 transactions',
      figure: at(1_000_000).ms / 1000,
      unit: 's',
      limit: 60,
    },
    {
      kind: 'limit',
      measurement: 'list-append: 1,000,000 transactions, peak RSS',
      figure: at(1_000_000).mb,
      unit: 'MB',
      limit: 1024,
    },
    {
      kind: 'limit',
      measurement: 'list-append: time per transaction, 10^6 over 10^5',
      figure: growth,
      unit: 'x',
      limit: 1.3,
    },
    {
      kind: 'limit',
      measurement: 'list-append: serializable histories judged invalid',
      figure: wrong.length,
      unit: 'histories',
      limit: 1,
      ...(wrong.length > 0 ? { detail: wrong.join(', ') } : {}),
    },
  ];
}
