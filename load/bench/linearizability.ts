/**
 * Linearizability: the harness's checker against Porcupine itself (a small
 * Go driver, load/bench/porcupine, built with the Go toolchain), on the same
 * histories: Porcupine's own Jepsen etcd test data, and generated
 * versioned-register histories of 1,000 to 100,000 operations with 5 to 50
 * clients and some unknown outcomes. In paired, alternating rounds, each
 * round's ratio is the geometric mean over the histories of Porcupine's time
 * over the checker's; goal >= 1.0. Every history must get the same verdict
 * from both (a history Porcupine gives up on is left out of both).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLinearizable } from '../../harness/checkers/linearizable/check.ts';
import type { LinearOperation, Model } from '../../harness/checkers/linearizable/model.ts';
import { casRegister, versionedRegister } from '../../harness/checkers/linearizable/models.ts';
import { median } from '../../harness/core/stats.ts';
import { ownedTempDir } from '../../harness/providers/owned.ts';
import { etcdLog } from './etcd-log.ts';
import { versionedRegisterHistory } from './generated-histories.ts';
import { geometricMean, ratioInterval } from './round-ratios.ts';
import type { BenchSettings } from './settings.ts';
import type { BenchResult } from './table.ts';

const DRIVER = join(import.meta.dirname, 'porcupine');
/** Past this, either side's answer is unknown and the history is left out of the comparison. */
const BUDGET_SECONDS = 20;
const GENERATED: [operations: number, clients: number][] = [
  [1_000, 5],
  [10_000, 10],
  [100_000, 5],
  [100_000, 50],
];

interface BenchHistory {
  name: string;
  model: Model<unknown, unknown, unknown>;
  modelName: 'cas-register' | 'versioned-register';
  operations: LinearOperation<unknown, unknown>[];
  file: string;
}

function go(args: string[], cwd: string): string {
  return execFileSync('go', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Porcupine's module folder, where its test data is (downloaded by scripts/setup.sh). */
function porcupineModule(): string {
  const listed = go(['list', '-m', '-f', '{{.Dir}}', 'github.com/anishathalye/porcupine'], DRIVER).trim();
  if (!listed || !existsSync(listed)) throw new Error('Porcupine is not downloaded: run scripts/setup.sh');
  return listed;
}

function histories(dir: string): BenchHistory[] {
  const etcd = join(porcupineModule(), 'test_data', 'jepsen');
  const found: Omit<BenchHistory, 'file'>[] = readdirSync(etcd)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .map((name) => ({
      name: `etcd/${name}`,
      model: casRegister(null) as Model<unknown, unknown, unknown>,
      modelName: 'cas-register',
      operations: etcdLog(join(etcd, name)) as LinearOperation<unknown, unknown>[],
    }));
  for (const [operations, clients] of GENERATED)
    found.push({
      name: `versioned-register ${operations} ops, ${clients} clients`,
      model: versionedRegister({ value: null, version: 0 }) as Model<unknown, unknown, unknown>,
      modelName: 'versioned-register',
      operations: versionedRegisterHistory(operations, clients, { seed: operations }) as LinearOperation<
        unknown,
        unknown
      >[],
    });
  return found.map((history, i) => {
    const file = join(dir, `history-${i}.json`);
    // JSON has no Infinity: an unknown outcome's return is left out; the driver puts it at the end.
    const ops = history.operations.map((op) => ({
      ...op,
      return: op.known ? op.return : -1,
      output: op.output ?? null,
    }));
    writeFileSync(file, JSON.stringify({ model: history.modelName, ops }));
    return { ...history, file };
  });
}

export type Judged = { verdict: string; ms: number }[];

/** One driver process per history: one that runs out of memory (it is killed) loses only its own answer. */
function porcupineRound(driver: string, all: BenchHistory[]): Judged {
  return all.map((history) => {
    const run = spawnSync(driver, [`--timeout=${BUDGET_SECONDS}`, history.file], { encoding: 'utf8' });
    const [verdict, ms] =
      run.status === 0
        ? run.stdout.trim().split(' ')
        : [run.signal ? `killed (${run.signal})` : 'failed', 'NaN'];
    return { verdict: verdict!, ms: Number(ms) };
  });
}

function checkerRound(all: BenchHistory[]): Judged {
  return all.map((history) => {
    const started = performance.now();
    // The verdict alone, as Porcupine's CheckOperations gives it (no second search for why).
    const result = checkLinearizable(history.model, history.operations, {
      budgetMs: BUDGET_SECONDS * 1000,
      explain: false,
    });
    return { verdict: result.verdict, ms: performance.now() - started };
  });
}

/** Timers have a resolution: a check too quick to measure counts as one microsecond. */
const atLeast = (ms: number) => Math.max(ms, 0.001);

export function linearizabilityAgainstPorcupine(settings: BenchSettings): BenchResult[] {
  const dir = ownedTempDir('chaos-bench-linearizability-');
  const driver = join(dir, 'porcupine-driver');
  go(['build', '-o', driver, '.'], DRIVER);
  const all = histories(dir);
  console.log(
    `  ${all.length} histories (${all.filter((h) => h.name.startsWith('etcd')).length} of Porcupine's etcd test data)`,
  );
  // A round not counted first, as the other parts warm up: the checker's code is compiled by then, as it
  // is in a process that checks more than once, and Porcupine's driver reads its files from a warm cache.
  checkerRound(all);
  porcupineRound(driver, all);
  const rounds: RoundComparison[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    // Alternate who goes first, so neither always runs on a warmer (or more disturbed) machine.
    const first = round % 2 === 0;
    const checker = first ? checkerRound(all) : undefined;
    const porcupine = porcupineRound(driver, all);
    const compared = compareRound(
      all.map((h) => h.name),
      checker ?? checkerRound(all),
      porcupine,
    );
    rounds.push(compared);
    console.log(
      `  round ${round + 1}: checker ${compared.checkerMs.toFixed(3)} ms, Porcupine ${compared.porcupineMs.toFixed(3)} ms a history (geometric means), ratio ${compared.ratio.toFixed(2)}`,
    );
  }
  // Over every round: a disagreement in any one of them counts.
  const disagreements = [...new Set(rounds.flatMap((r) => r.disagreements))];
  const leftOut = [...new Set(rounds.flatMap((r) => r.leftOut))];
  const ratios = rounds.map((r) => r.ratio);
  const interval = ratioInterval(ratios);
  return [
    {
      kind: 'ratio',
      measurement: 'linearizability (Porcupine time / checker time)',
      harnessTool: 'checker',
      referenceTool: 'porcupine',
      unit: 'ms a history (geometric mean)',
      // Their ratio is the mean: both are geometric means over the same histories.
      harness: geometricMean(rounds.map((r) => r.checkerMs)),
      reference: geometricMean(rounds.map((r) => r.porcupineMs)),
      mean: geometricMean(ratios),
      ...(interval ? { interval } : {}),
      medianRatio: median(ratios),
      ratios,
      goal: 1.0,
      disturbedRounds: 0,
    },
    {
      kind: 'limit',
      measurement: 'linearizability: verdicts unlike Porcupine',
      figure: disagreements.length,
      unit: 'histories',
      limit: 1,
      detail:
        `${all.length - leftOut.length} compared` +
        (leftOut.length > 0
          ? `; left out, no answer from one side within ${BUDGET_SECONDS} s: ${leftOut.join(', ')}`
          : '') +
        (disagreements.length > 0 ? `; unlike: ${disagreements.slice(0, 3).join(', ')}` : ''),
    },
  ];
}

export interface RoundComparison {
  /** Geometric mean over the histories both answered of Porcupine's time over the checker's. */
  ratio: number;
  /** Geometric means of each side's time over those histories, in ms (their ratio is `ratio`). */
  checkerMs: number;
  porcupineMs: number;
  /** Histories answered both ways with different verdicts. */
  disagreements: string[];
  /** Histories one side gave no answer for (unknown, or its process killed), with both answers. */
  leftOut: string[];
}

const answered = (verdict: string) => verdict === 'valid' || verdict === 'invalid';

/** One round's verdicts and times, history by history, compared. */
export function compareRound(names: readonly string[], checker: Judged, porcupine: Judged): RoundComparison {
  const both = names.flatMap((name, i) => {
    const a = checker[i]!;
    const b = porcupine[i]!;
    return answered(a.verdict) && answered(b.verdict) ? [{ name, a, b }] : [];
  });
  const leftOut = names.flatMap((name, i) =>
    answered(checker[i]!.verdict) && answered(porcupine[i]!.verdict)
      ? []
      : [`${name} (checker ${checker[i]!.verdict}, Porcupine ${porcupine[i]!.verdict})`],
  );
  const checkerMs = geometricMean(both.map(({ a }) => atLeast(a.ms)));
  const porcupineMs = geometricMean(both.map(({ b }) => atLeast(b.ms)));
  return {
    ratio: porcupineMs / checkerMs,
    checkerMs,
    porcupineMs,
    disagreements: both.filter(({ a, b }) => a.verdict !== b.verdict).map(({ name }) => name),
    leftOut,
  };
}
