/**
 * Every flag of the command line, written once: its value's name, its help
 * lines (the usage text's options section is generated from them), which
 * commands take it, and how its text becomes options. The parser, the
 * per-command check ("--x does not apply to y") and the usage text all read
 * this table.
 */
import { SCHEDULE_STRATEGIES } from '../../properties/concurrency-property.ts';
import { parseReplay } from '../../properties/property-run.ts';
import { HISTORY_MODEL_NAMES } from '../checkers/linearizable/history-models.ts';
import { TRANSACTIONAL_WORKLOAD_NAMES } from '../checkers/transactional/history-transactions.ts';
import { CONSISTENCY_MODELS } from '../checkers/transactional/list-append.ts';
import { seedRange } from '../core/detection.ts';
import { parseDuration } from '../core/duration.ts';
import { shown, UsageError } from '../core/errors.ts';
import { type Thresholds, validateThresholds } from '../core/thresholds.ts';
import { MAX_WORKERS } from '../core/workload.ts';
import type { CliOptions, CommandName } from './commands.ts';
import { DEFAULT_KEEP } from './run-folders.ts';

export interface FlagSpec {
  /** The value's placeholder in the usage text (`N`, `D`, `NAME`); absent for a switch. */
  value?: string;
  short?: string;
  /** May be given more than once. */
  multiple?: boolean;
  /** Lines in the usage text's options section; absent when the command's own help explains it. */
  help?: readonly string[];
  /** The commands that take it (`k6 run` and `k6 export` are commands of their own). */
  commands: readonly CommandName[];
  /** The options `apply` sets: each command's options type is made of them (OptionsOf). */
  sets: readonly (keyof CliOptions)[];
  /** Check the text and set the options it stands for. */
  apply(options: CliOptions, text: string | string[] | true): void;
}

/** A user's whole number of at least `min` (a flag's or a variable's value), or a UsageError naming it. */
export function positiveInteger(text: string, flag: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag}: expected a whole number >= ${min}, got ${shown(text)}`);
  }
  if (Number(text) > max) throw new UsageError(`${flag}: at most ${max}, got ${shown(text)}`);
  return Number(text);
}

/** A flag's value that must be one of `choices`, or a UsageError listing them. */
export function oneOf<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text))
    throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got ${shown(text)}`);
  return text as T;
}

/** `init --http`, `--postgres`, `--mariadb`: one of them. */
function initKindFlag(kind: NonNullable<CliOptions['initKind']>, help: string) {
  return {
    help: [help],
    commands: ['init'] as const,
    sets: ['initKind'] as const,
    apply: (o: CliOptions) => {
      if (o.initKind && o.initKind !== kind)
        throw new UsageError(
          `init: choose one of --http, --postgres, --mariadb (got --${o.initKind} and --${kind})`,
        );
      o.initKind = kind;
    },
  };
}

/** A duration that must be longer than nothing. */
function positiveDuration(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms <= 0) throw new UsageError(`${flag}: expected a positive duration, got ${shown(text)}`);
  return ms;
}

function positiveNumber(text: string, flag: string, what: string): number {
  const x = Number(text);
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`${flag}: expected ${what}, got ${shown(text)}`);
  return x;
}

function fraction(text: string, flag: string): number {
  const x = Number(text);
  if (!(x >= 0) || !Number.isFinite(x))
    throw new UsageError(`${flag}: expected a fraction such as 0.2, got ${shown(text)}`);
  return x;
}

/** Repeated and comma-separated values, as one list. */
const listOf = (text: string | string[] | true) =>
  (text as string[]).flatMap((s) => s.split(',')).filter(Boolean);

const PROVIDERS = ['auto', 'url', 'process', 'container'] as const;

/** How a suite run is shaped: taken by `run` and `k6 run`. */
// Literal lists, not CommandName[]: OptionsOf reads from them which command takes which flag.
const RUNS = ['run', 'k6 run'] as const;
const SERVED = [...RUNS, 'sweep', 'property', 'mutate', 'isolation'] as const;

export const FLAGS = {
  scenario: {
    value: 'NAME',
    multiple: true,
    help: ['run only this scenario (repeat or comma-separate for more)'],
    commands: ['run', 'sweep'],
    sets: ['scenarios'],
    apply: (o, text) => {
      o.scenarios = listOf(text);
    },
  },
  http: initKindFlag('http', 'init: a starter target for an HTTP service the harness starts (the default)'),
  postgres: initKindFlag('postgres', 'init: a starter target for a Postgres table'),
  mariadb: initKindFlag('mariadb', 'init: a starter target for a MariaDB table'),
  builtin: {
    help: ['run the built-in suite too (with a config, only its own scenarios run otherwise)'],
    commands: ['run'],
    sets: ['builtin'],
    apply: (o) => {
      o.builtin = true;
    },
  },
  target: {
    value: 'NAME',
    multiple: true,
    help: ['run only scenarios of this target'],
    commands: ['run'],
    sets: ['targets'],
    apply: (o, text) => {
      o.targets = listOf(text);
    },
  },
  variant: {
    value: 'NAME',
    multiple: true,
    help: ['run only this variant (e.g. correct)'],
    commands: ['run', 'k6 run', 'sweep', 'property', 'mutate'],
    sets: ['variants'],
    apply: (o, text) => {
      o.variants = listOf(text);
    },
  },
  workers: {
    value: 'N',
    help: ['workers per scenario'],
    commands: [...RUNS, 'k6 export', 'sweep'],
    sets: ['workers', 'sweepWorkers'],
    apply: (o, text) => {
      // A sweep takes a list of worker counts, every other command one.
      const workers = (w: string) => positiveInteger(w.trim(), '--workers', 1, MAX_WORKERS);
      if (o.command === 'sweep') o.sweepWorkers = (text as string).split(',').map(workers);
      else o.workers = workers(text as string);
    },
  },
  rates: {
    value: 'R',
    commands: ['sweep'],
    sets: ['sweepRates'],
    apply: (o, text) => {
      o.sweepRates = (text as string).split(',').map((r) => positiveInteger(r.trim(), '--rates', 0));
    },
  },
  duration: {
    value: 'D',
    help: ["how long each scenario runs (500ms, 3s, 1m); isolation: each level's txn workload"],
    commands: [...RUNS, 'k6 export', 'sweep', 'isolation'],
    sets: ['durationMs'],
    apply: (o, text) => {
      o.durationMs = positiveDuration(text as string, '--duration');
    },
  },
  seed: {
    value: 'N',
    help: ['seed for the operation plan (printed on every run)'],
    commands: [...RUNS, 'k6 export', 'sweep', 'property', 'mutate', 'isolation'],
    sets: ['seed'],
    apply: (o, text) => {
      o.seed = positiveInteger(text as string, '--seed', 0);
    },
  },
  seeds: {
    value: 'N|A-B',
    help: [
      'run: the suite once per seed (1 to N, or A to B), then a detection matrix: per',
      'broken variant the seeds that caught it and the time to first proof, per correct',
      'variant its false alarms',
    ],
    commands: ['run'],
    sets: ['seeds'],
    apply: (o, text) => {
      const seeds = seedRange(text as string);
      if (!seeds)
        throw new UsageError(
          `--seeds: expected N (seeds 1 to N) or A-B with A <= B, got ${shown(text as string)}`,
        );
      o.seeds = seeds;
    },
  },
  provider: {
    value: 'P',
    help: ['auto | url | process | container   (default auto)'],
    commands: SERVED,
    sets: ['provider'],
    apply: (o, text) => {
      o.provider = oneOf(text as string, '--provider', PROVIDERS);
    },
  },
  out: {
    value: 'DIR',
    help: ['report folder (default chaos-report/<timestamp>)'],
    commands: [...SERVED, 'k6 export', 'report', 'check'],
    sets: ['out'],
    apply: (o, text) => {
      o.out = text as string;
    },
  },
  keep: {
    value: 'N',
    help: [`runs kept in chaos-report/, older ones deleted (default ${DEFAULT_KEEP}; 0 keeps all)`],
    commands: SERVED,
    sets: ['keep'],
    apply: (o, text) => {
      o.keep = positiveInteger(text as string, '--keep', 0);
    },
  },
  overwrite: {
    help: ['replace the run an --out folder already holds (else it is refused)'],
    commands: [...SERVED, 'check'],
    sets: ['overwrite'],
    apply: (o) => {
      o.overwrite = true;
    },
  },
  config: {
    value: 'FILE',
    help: ['config file (default ./chaos.config.ts, .js or .mjs, the first present)'],
    // Taken by all, as a shell alias may always pass it (report and gate do not load it).
    commands: [...SERVED, 'k6 export', 'list', 'report', 'gate'],
    sets: ['config'],
    apply: (o, text) => {
      o.config = text as string;
    },
  },
  'time-scale': {
    value: 'X',
    help: ['timing-grid: multiply rates, offsets and window by X'],
    commands: RUNS,
    sets: ['timeScale'],
    apply: (o, text) => {
      o.timeScale = positiveNumber(text as string, '--time-scale', 'a positive number');
    },
  },
  window: {
    value: 'D',
    help: ['timing-grid: how long each point runs, in article time'],
    commands: RUNS,
    sets: ['windowMs'],
    apply: (o, text) => {
      o.windowMs = positiveDuration(text as string, '--window');
    },
  },
  timeout: {
    value: 'D',
    help: ['per-operation deadline; a call still running is recorded as info (default 5s)'],
    commands: [...RUNS, 'k6 export'],
    sets: ['timeoutMs'],
    apply: (o, text) => {
      o.timeoutMs = positiveDuration(text as string, '--timeout');
    },
  },
  'no-co-correction': {
    help: ['measure paced operations from when they started, not when they were meant to'],
    commands: RUNS,
    sets: ['correctCoordinatedOmission'],
    apply: (o) => {
      o.correctCoordinatedOmission = false;
    },
  },
  rate: {
    value: 'N',
    help: ['open model: N operations (HTTP load: requests) per second over all workers'],
    commands: [...RUNS, 'k6 export'],
    sets: ['ratePerSecond'],
    apply: (o, text) => {
      o.ratePerSecond = positiveNumber(
        text as string,
        '--rate',
        'a positive number of operations per second',
      );
    },
  },
  threshold: {
    value: 'M=EXPR',
    multiple: true,
    help: [
      "load threshold in k6's syntax, e.g. latency=p(99)<500 (repeatable);",
      'metrics: latency, failed_requests, checks, requests; a failed one exits 99',
    ],
    commands: [...RUNS, 'k6 export'],
    sets: ['thresholds'],
    apply: (o, texts) => {
      const thresholds: Thresholds = {};
      for (const text of texts as string[]) {
        const at = text.indexOf('=');
        if (at <= 0)
          throw new UsageError(
            `--threshold: expected METRIC=EXPRESSION, e.g. latency=p(99)<500, got ${shown(text)}`,
          );
        const metric = text.slice(0, at).trim();
        thresholds[metric] = [...(thresholds[metric] ?? []), text.slice(at + 1).trim()];
      }
      validateThresholds(thresholds);
      o.thresholds = thresholds;
    },
  },
  segments: {
    value: 'N',
    help: ['k6 run: N k6 instances, each with its --execution-segment'],
    commands: ['k6 run'],
    sets: ['segments'],
    apply: (o, text) => {
      o.segments = positiveInteger(text as string, '--segments');
    },
  },
  baseline: {
    value: 'FILE',
    help: ['run: after the run, gate it against this results.json (exit 1 on a regression)'],
    commands: [...RUNS, 'gate'],
    sets: ['baseline'],
    apply: (o, text) => {
      o.baseline = text as string;
    },
  },
  'max-throughput-drop': {
    value: 'F',
    commands: [...RUNS, 'gate'],
    sets: ['tolerances'],
    apply: (o, text) => {
      o.tolerances = { ...o.tolerances, throughputDrop: fraction(text as string, '--max-throughput-drop') };
    },
  },
  'max-p99-rise': {
    value: 'F',
    commands: [...RUNS, 'gate'],
    sets: ['tolerances'],
    apply: (o, text) => {
      o.tolerances = { ...o.tolerances, p99Rise: fraction(text as string, '--max-p99-rise') };
    },
  },
  model: {
    value: 'M',
    help: ['check: the sequential model the histories must be linearizable against'],
    commands: ['check'],
    sets: ['model'],
    apply: (o, text) => {
      o.model = oneOf(text as string, '--model', HISTORY_MODEL_NAMES);
    },
  },
  workload: {
    value: 'W',
    help: [
      'check: list-append (appends and whole-list reads) or rw-register (writes of unique values',
      'and reads), transactions as Elle checks them',
    ],
    commands: ['check'],
    sets: ['workload'],
    apply: (o, text) => {
      o.workload = oneOf(text as string, '--workload', TRANSACTIONAL_WORKLOAD_NAMES);
    },
  },
  consistency: {
    value: 'C',
    help: [`check --workload: the model to hold (${CONSISTENCY_MODELS.join(', ')})`],
    commands: ['check'],
    sets: ['consistency'],
    apply: (o, text) => {
      o.consistency = oneOf(text as string, '--consistency', CONSISTENCY_MODELS);
    },
  },
  budget: {
    value: 'D',
    help: ['check: time allowed per file; past it the verdict is unknown (default 10s)'],
    commands: ['check'],
    sets: ['budgetMs'],
    apply: (o, text) => {
      o.budgetMs = positiveDuration(text as string, '--budget');
    },
  },
  runs: {
    value: 'N',
    commands: ['property', 'mutate'],
    sets: ['propertyRuns'],
    apply: (o, text) => {
      o.propertyRuns = positiveInteger(text as string, '--runs');
    },
  },
  replay: {
    value: 'SEED:PATH',
    commands: ['property'],
    sets: ['replay'],
    apply: (o, text) => {
      try {
        o.replay = parseReplay(text as string);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    },
  },
  schedule: {
    value: 'S',
    commands: ['property'],
    sets: ['scheduleStrategy'],
    apply: (o, text) => {
      o.scheduleStrategy = oneOf(text as string, '--schedule', SCHEDULE_STRATEGIES);
    },
  },
  exhaustive: {
    commands: ['property'],
    sets: ['exhaustive'],
    apply: (o) => {
      o.exhaustive = true;
    },
  },
  clients: {
    value: 'N',
    commands: ['property'],
    sets: ['clients'],
    apply: (o, text) => {
      o.clients = positiveInteger(text as string, '--clients', 1, 8);
    },
  },
  ops: {
    value: 'N',
    commands: ['property'],
    sets: ['operationsPerClient'],
    apply: (o, text) => {
      o.operationsPerClient = positiveInteger(text as string, '--ops', 1, 16);
    },
  },
  keys: {
    value: 'N',
    commands: ['property'],
    sets: ['keys'],
    apply: (o, text) => {
      o.keys = positiveInteger(text as string, '--keys', 1, 1000);
    },
  },
  'max-interleavings': {
    value: 'N',
    commands: ['property'],
    sets: ['maxInterleavings'],
    apply: (o, text) => {
      o.maxInterleavings = positiveInteger(text as string, '--max-interleavings');
    },
  },
  help: {
    short: 'h',
    help: ['this text'],
    commands: [],
    sets: [],
    apply: () => {},
  },
} satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;
