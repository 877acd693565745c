/**
 * The commands of the command line, written once: how each is called (its
 * synopsis and help lines in the usage text) and what its positional
 * arguments mean. Which flags each takes is in flags.ts.
 */

import type { ScheduleStrategy } from '../../properties/concurrency-property.ts';
import type { GateTolerances } from '../../reports/gate.ts';
import type { TransactionalWorkload } from '../checkers/transactional/history-transactions.ts';
import type { ConsistencyModel } from '../checkers/transactional/list-append.ts';
import { shown, UsageError } from '../core/errors.ts';
import type { LoadEngine } from '../core/load.ts';
import type { Thresholds } from '../core/thresholds.ts';
import type { ProviderPreference } from '../providers/select.ts';

/** Every option any command can have; each command's own type picks its part (OptionsOf in options.ts). */
export interface CliOptions {
  command:
    | 'run'
    | 'list'
    | 'init'
    | 'sweep'
    | 'k6-export'
    | 'report'
    | 'gate'
    | 'property'
    | 'mutate'
    | 'isolation'
    | 'check'
    | 'help';
  /** `init`: what the starter target tests. */
  initKind?: 'http' | 'postgres' | 'mariadb';
  /** `property TARGET`: the target, fast-check runs, and a counterexample to replay. */
  propertyTarget?: string;
  propertyRuns?: number;
  replay?: { seed: number; path: string };
  /** `mutate TARGET`: the target whose correct variant runs under generated mutants. */
  mutateTarget?: string;
  /** `run --seeds N|A-B`: the suite once per seed, read as a detection matrix. */
  seeds?: number[];
  /** `property TARGET --schedule pct|random`: how generated cases order statements. */
  scheduleStrategy?: ScheduleStrategy;
  /** `property TARGET --exhaustive`: every interleaving of `clients` x `operationsPerClient` on `keys`, up to the bound. */
  exhaustive?: boolean;
  clients?: number;
  operationsPerClient?: number;
  keys?: number;
  maxInterleavings?: number;
  /** Compare with this results.json (gate, or run --baseline). */
  baseline?: string;
  tolerances?: Partial<GateTolerances>;
  /** `report DIR`: the run folder (or its results.json). */
  reportDir?: string;
  /** `check FILE...`: history files, judged against `model` within `budgetMs` each. */
  historyFiles?: string[];
  model?: string;
  budgetMs?: number;
  /** `check --workload list-append|rw-register`: transactions judged by their anomalies against `consistency`. */
  workload?: TransactionalWorkload;
  consistency?: ConsistencyModel;
  /** `k6 run`: load scenarios run on k6. */
  engine?: LoadEngine;
  ratePerSecond?: number;
  segments?: number;
  thresholds?: Thresholds;
  /** sweep: worker counts and per-worker rates of the grid. */
  sweepWorkers?: number[];
  sweepRates?: number[];
  scenarios?: string[];
  /** run: the built-in suite as well as the config's own scenarios. */
  builtin?: boolean;
  targets?: string[];
  variants?: string[];
  workers?: number;
  durationMs?: number;
  seed?: number;
  provider?: ProviderPreference;
  out?: string;
  /** Default report folders kept (0 keeps all). */
  keep?: number;
  /** Replace the run an --out folder already holds. */
  overwrite?: boolean;
  config?: string;
  timeScale?: number;
  windowMs?: number;
  timeoutMs?: number;
  correctCoordinatedOmission?: boolean;
}

export interface CommandSpec {
  /** The command it runs as (`k6 run` is a run on the k6 engine). */
  runsAs: CliOptions['command'];
  /** How it is called, as the usage text shows it. */
  synopsis: string;
  help: readonly string[];
  /** The options its positional arguments (after the command's own words) stand for, and that sets. */
  positionals(options: CliOptions, args: readonly string[]): void;
  sets: readonly (keyof CliOptions)[];
}

function noMore(args: readonly string[], from: number): void {
  if (args.length > from) throw new UsageError(`unexpected argument ${shown(args[from])}`);
}

/** `k6 export SCENARIO` and `k6 run SCENARIO`: one scenario, named. */
function k6Scenario(action: string) {
  return (options: CliOptions, args: readonly string[]) => {
    if (!args[0]) throw new UsageError(`k6 ${action}: name the scenario, e.g. k6 ${action} saga-orders-load`);
    noMore(args, 1);
    options.scenarios = [args[0]];
  };
}

/** `report [DIR]` and `gate [DIR]`: the run folder, or its results.json. */
function runFolder(options: CliOptions, args: readonly string[]): void {
  noMore(args, 1);
  if (args[0]) options.reportDir = args[0];
}

export const COMMANDS = {
  run: {
    runsAs: 'run',
    synopsis: 'run (default)',
    help: [
      "run scenarios (all, unless selected): a config's own, or the built-in suite when there",
      'is no config or with --builtin',
    ],
    positionals: (_, args) => noMore(args, 0),
    sets: [],
  },
  list: {
    runsAs: 'list',
    synopsis: 'list',
    help: ['show scenarios, targets and variants'],
    positionals: (_, args) => noMore(args, 0),
    sets: [],
  },
  init: {
    runsAs: 'init',
    synopsis: 'init',
    help: [
      'write chaos.config.ts and a starter target in this folder: --http (default) for a',
      'service, --postgres or --mariadb for SQL; never overwrites a file',
    ],
    positionals: (_, args) => noMore(args, 0),
    sets: [],
  },
  sweep: {
    runsAs: 'sweep',
    synopsis: 'sweep',
    help: [
      'contention sweep of one scenario: --workers 1,2,4,8 --rates 0,50,200',
      '(per-worker operations per second; 0 = closed loop); writes sweep.json, sweep.html',
    ],
    positionals: (_, args) => noMore(args, 0),
    sets: [],
  },
  'k6 export': {
    runsAs: 'k6-export',
    synopsis: 'k6 export SCENARIO',
    help: ['write the HTTP load scenario as a self-contained k6 script (--out FILE)'],
    positionals: k6Scenario('export'),
    sets: ['scenarios'],
  },
  'k6 run': {
    runsAs: 'run',
    synopsis: 'k6 run SCENARIO',
    help: [
      "run it with the k6 binary against the target's services, check the",
      'invariants after; --segments N runs N k6 instances (execution segments)',
    ],
    positionals: (options, args) => {
      k6Scenario('run')(options, args);
      options.engine = 'k6';
    },
    sets: ['scenarios', 'engine'],
  },
  property: {
    runsAs: 'property',
    synopsis: 'property TARGET',
    help: [
      'property-based test: generated clients, operations and statement schedules on',
      'the real database; a failure is shrunk and printed per client (--variant,',
      '--runs N (100), --seed N, --schedule random|pct (random); --replay SEED:PATH',
      'reproduces a printed counterexample); --exhaustive runs every interleaving instead',
      '(--clients N (2), --ops N (1), --keys N (1), --max-interleavings N (5000)), each on',
      'a fresh database',
    ],
    positionals: (options, args) => {
      if (!args[0]) throw new UsageError('property: name the target, e.g. property postgres-versioning');
      noMore(args, 1);
      options.propertyTarget = args[0];
    },
    sets: ['propertyTarget'],
  },
  mutate: {
    runsAs: 'mutate',
    synopsis: 'mutate TARGET',
    help: [
      "a SQL target's correct variant under generated mutants (a dropped WHERE condition,",
      'locking read, constraint, transaction or upsert clause; a weaker isolation level),',
      'each run as a property until caught (--runs N cases each (30), --seed N); prints the',
      'mutation score and every survivor',
    ],
    positionals: (options, args) => {
      if (!args[0]) throw new UsageError('mutate: name the target, e.g. mutate postgres-versioning');
      noMore(args, 1);
      options.mutateTarget = args[0];
    },
    sets: ['mutateTarget'],
  },
  isolation: {
    runsAs: 'isolation',
    synopsis: 'isolation',
    help: [
      'probe G0, G1a, G1b, G1c, OTV, PMP, P4, G-single, G2-item and G2 (and their',
      'sub-cases) at every isolation level of Postgres and MariaDB, then run the txn',
      "workload at each level and name the anomalies Elle's checkers find; prints both",
      'tables, writes results.json; exit 1 when the workload finds one the probes call prevented',
    ],
    positionals: (_, args) => noMore(args, 0),
    sets: [],
  },
  check: {
    runsAs: 'check',
    synopsis: 'check FILE... --model M | --workload list-append|rw-register',
    help: [
      "judge history files without running anything: the harness's NDJSON or a Jepsen EDN",
      'history, linearizable against a model (register, cas-register, versioned-register,',
      'counter, set, fifo-queue, kv-register, kv-cas-register), or list-append or rw-register transactions',
      "by Elle's anomalies against --consistency (default serializable); a line per file",
    ],
    positionals: (options, args) => {
      if (args.length === 0)
        throw new UsageError('check: name the history files, e.g. check history.edn --model cas-register');
      options.historyFiles = [...args];
    },
    sets: ['historyFiles'],
  },
  report: {
    runsAs: 'report',
    synopsis: 'report [DIR]',
    help: ['rebuild report.html, junit.xml and summary.md from a run folder'],
    positionals: runFolder,
    sets: ['reportDir'],
  },
  gate: {
    runsAs: 'gate',
    synopsis: 'gate --baseline B [DIR]',
    help: [
      'compare a run (folder or results.json; default .) with a baseline results.json:',
      'broken variants no longer caught, new violations, throughput drop beyond',
      '--max-throughput-drop (0.2), p99 rise beyond --max-p99-rise (0.5); exit 1',
    ],
    positionals: runFolder,
    sets: ['reportDir'],
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
