/**
 * The bench's settings, read from its environment variables and checked
 * before anything runs: a mistyped value (BENCH_ROUNDS=ten, BENCH_ONLY=postgress)
 * stops the bench with a UsageError naming the variable (exit 2, as the CLI's
 * bad flags do), instead of a run that measures nothing or prints NaN.
 */
import { positiveInteger } from '../../harness/cli/flags.ts';
import { shown, UsageError } from '../../harness/core/errors.ts';

export const BENCH_PARTS = [
  'postgres',
  'mariadb',
  'http',
  'memory',
  'linearizability',
  'list-append',
  'schedules',
  'mutation',
  'detection',
] as const;
/** Workers (each its own connection) of every SQL tool, the harness's and the references'. */
export const WORKERS = 8;
export type BenchPart = (typeof BENCH_PARTS)[number];

export interface BenchSettings {
  /** Which measurements to run (BENCH_ONLY). */
  only: BenchPart[];
  /** Counted rounds wanted per throughput comparison (BENCH_ROUNDS). */
  rounds: number;
  /** Length of each tool's run in a round (BENCH_SECONDS); whole seconds, as pgbench's -T takes them. */
  seconds: number;
  /** The share of the CPU the host may steal from a round before it is run again (BENCH_MAX_STEAL). */
  maxSteal: number;
  /** Upserts per MariaDB round, split evenly over the workers (BENCH_UPSERTS). */
  upserts: number;
  /** Where bench.json goes (BENCH_OUT). */
  outDir: string;
  /** Seeds of the detection matrix (BENCH_DETECTION_SEEDS), and whether it sweeps every scenario (BENCH_DETECTION=all). */
  detection: { seeds: number; everyScenario: boolean };
}

export const BENCH_DEFAULTS = {
  // Ten: with no host steal a tool's rounds still differ by about 8%, so a goal is judged on the
  // geometric mean of the paired rounds' ratios, whose 95% interval narrows with more rounds
  // (docs/benchmark.md).
  rounds: 10,
  seconds: 5,
  maxSteal: 0.03,
  /**
   * A fixed amount of work rather than a duration: past about 25,000 rows the
   * upsert (two unique TEXT keys) can fall into deadlock storms in InnoDB that
   * last minutes, for mariadb-slap and the harness alike.
   */
  upserts: 16_000,
  outDir: 'chaos-report',
  detection: { seeds: 20, everyScenario: false },
};

/** Variable `name` as a whole number of at least `min` (the CLI's own check), or the default when it is unset or empty. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name]?.trim();
  return text ? positiveInteger(text, name, min) : fallback;
}

/** The bench's settings from `env`; throws a UsageError naming the variable when one is malformed. */
export function benchSettings(env: NodeJS.ProcessEnv, workers: number): BenchSettings {
  const onlyText = env.BENCH_ONLY?.trim();
  const only = onlyText ? onlyText.split(',').map((part) => part.trim()) : ([...BENCH_PARTS] as string[]);
  const unknown = only.filter((part) => !(BENCH_PARTS as readonly string[]).includes(part));
  if (unknown.length > 0)
    throw new UsageError(
      `BENCH_ONLY names ${unknown.map(shown).join(', ')}; the parts are ${BENCH_PARTS.join(', ')}`,
    );

  const stealText = env.BENCH_MAX_STEAL?.trim();
  const maxSteal = stealText ? Number(stealText) : BENCH_DEFAULTS.maxSteal;
  if (!Number.isFinite(maxSteal) || maxSteal < 0 || maxSteal > 1)
    throw new UsageError(
      `BENCH_MAX_STEAL: expected a share of the CPU between 0 and 1 (0.03 for 3%), got ${shown(stealText)}`,
    );

  const upserts = wholeNumber(env, 'BENCH_UPSERTS', BENCH_DEFAULTS.upserts, workers);
  // mariadb-slap is given a count per client: a total that does not split evenly would give the two tools different work.
  if (upserts % workers !== 0)
    throw new UsageError(`BENCH_UPSERTS: expected a multiple of the ${workers} workers, got ${upserts}`);

  const scope = env.BENCH_DETECTION?.trim() || 'sql';
  if (scope !== 'sql' && scope !== 'all')
    throw new UsageError(`BENCH_DETECTION: expected sql (the default) or all, got ${shown(scope)}`);

  return {
    only: only as BenchPart[],
    rounds: wholeNumber(env, 'BENCH_ROUNDS', BENCH_DEFAULTS.rounds, 1),
    seconds: wholeNumber(env, 'BENCH_SECONDS', BENCH_DEFAULTS.seconds, 1),
    maxSteal,
    upserts,
    outDir: env.BENCH_OUT?.trim() || BENCH_DEFAULTS.outDir,
    detection: {
      seeds: wholeNumber(env, 'BENCH_DETECTION_SEEDS', BENCH_DEFAULTS.detection.seeds, 1),
      everyScenario: scope === 'all',
    },
  };
}
