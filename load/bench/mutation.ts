/**
 * `chaos mutate` on every built-in SQL target: each one's mutation score, and
 * the goal that the generated mutants equivalent to the hand-written broken
 * variants (the versionless update, the missing unique key on email, the
 * missing foreign key) are caught.
 */
import { textTable } from '../../harness/core/text-table.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { type MutationReport, mutate, variantToMutate } from '../../properties/mutation/mutate.ts';
import { bankTransfer } from '../../targets/bank-transfer/index.ts';
import { eventStore } from '../../targets/event-store/index.ts';
import { fkTimers } from '../../targets/fk-timers/index.ts';
import { mariadbUpsert } from '../../targets/mariadb-upsert/index.ts';
import { postgresVersioning } from '../../targets/postgres-versioning/index.ts';
import { postgresVersioningRetry } from '../../targets/postgres-versioning/retry.ts';
import type { BenchResult } from './table.ts';

const TARGETS = [
  postgresVersioning,
  postgresVersioningRetry,
  mariadbUpsert,
  fkTimers,
  bankTransfer,
  eventStore,
];

/** The generated mutants that stand for a hand-written broken variant: target, operator, description. */
const HAND_WRITTEN: [string, string, RegExp][] = [
  ['postgres-versioning', 'drop-where-conjunct', /^version = \$2 always true/],
  ['mariadb-upsert', 'drop-constraint', /UNIQUE email_address/],
  ['fk-timers', 'drop-constraint', /FOREIGN KEY/],
];

export async function mutationScores(pool: ServerPool): Promise<BenchResult[]> {
  const reports: MutationReport[] = [];
  for (const target of TARGETS)
    reports.push(await mutate(target, pool, { variant: variantToMutate(target)!, seed: 1, runs: 30 }));
  const rows = reports.map((r) => {
    const survivors = r.mutants
      .filter((m) => !m.error && !m.caught)
      .map((m) => `${m.operator}: ${m.description}`);
    return [
      r.target,
      `${r.caught}/${r.applied}`,
      `${Math.round(r.score * 100)}%`,
      survivors.join('; ').slice(0, 160),
    ];
  });
  console.log(textTable(['target', 'caught', 'score', 'survivors'], rows).replace(/^/gm, '  '));
  const missed = HAND_WRITTEN.filter(([target, operator, description]) => {
    const report = reports.find((r) => r.target === target);
    const mutant = report?.mutants.find((m) => m.operator === operator && description.test(m.description));
    return !mutant?.caught;
  });
  return [
    {
      kind: 'limit',
      measurement: 'mutation: hand-written broken variants among the generated mutants, not caught',
      figure: missed.length,
      unit: `of ${HAND_WRITTEN.length}`,
      limit: 1,
      ...(missed.length ? { detail: missed.map(([t, o]) => `${t} ${o}`).join(', ') } : {}),
    },
  ];
}
