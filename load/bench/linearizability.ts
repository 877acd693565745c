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

type Judged = { verdict: string; ms: number }[];

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
  const ratios: number[] = [];
  const checkerTotals: number[] = [];
  const porcupineTotals: number[] = [];
  let disagreements: string[] = [];
  let leftOut: string[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    // Alternate who goes first, so neither always runs on a warmer (or more disturbed) machine.
    const first = round % 2 === 0;
    const checker = first ? checkerRound(all) : undefined;
    const porcupine = porcupineRound(driver, all);
    const mine = checker ?? checkerRound(all);
    const compared = all.flatMap((history, i) => {
      const a = mine[i]!;
      const b = porcupine[i]!;
      return a.verdict === 'unknown' || !['valid', 'invalid'].includes(b.verdict) ? [] : [{ history, a, b }];
    });
    leftOut = all.flatMap((history, i) =>
      mine[i]!.verdict === 'unknown' || !['valid', 'invalid'].includes(porcupine[i]!.verdict)
        ? [`${history.name} (checker ${mine[i]!.verdict}, Porcupine ${porcupine[i]!.verdict})`]
        : [],
    );
    disagreements = compared.filter(({ a, b }) => a.verdict !== b.verdict).map(({ history }) => history.name);
    ratios.push(geometricMean(compared.map(({ a, b }) => atLeast(b.ms) / atLeast(a.ms))));
    checkerTotals.push(compared.reduce((sum, { a }) => sum + a.ms, 0));
    porcupineTotals.push(compared.reduce((sum, { b }) => sum + b.ms, 0));
    console.log(
      `  round ${round + 1}: checker ${checkerTotals.at(-1)!.toFixed(0)} ms, Porcupine ${porcupineTotals.at(-1)!.toFixed(0)} ms, ratio ${ratios.at(-1)!.toFixed(2)}`,
    );
  }
  const interval = ratioInterval(ratios);
  return [
    {
      kind: 'ratio',
      measurement: 'linearizability (time ratio)',
      harnessTool: 'checker',
      referenceTool: 'porcupine',
      unit: 'ms total',
      harness: geometricMean(checkerTotals),
      reference: geometricMean(porcupineTotals),
      mean: geometricMean(ratios),
      ...(interval ? { interval } : {}),
      medianRatio: [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!,
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
          ? `; left out, no answer within ${BUDGET_SECONDS} s: ${leftOut.join(', ')}`
          : '') +
        (disagreements.length > 0 ? `: ${disagreements.slice(0, 3).join(', ')}` : ''),
    },
  ];
}
