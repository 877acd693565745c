/**
 * The command line's words: commands, flags and their checks, and the usage
 * text. Pure: a bad argument is a UsageError (exit 2) before anything starts.
 */
import { parseArgs } from 'node:util';
import { parseReplay } from '../../properties/property-run.ts';
import type { GateTolerances } from '../../reports/gate.ts';
import { parseDuration } from '../core/duration.ts';
import { shown, UsageError } from '../core/errors.ts';
import type { LoadEngine } from '../core/load.ts';
import { type Thresholds, validateThresholds } from '../core/thresholds.ts';
import type { ProviderPreference } from '../providers/select.ts';

export const USAGE = `usage: npm run chaos -- [run|list|sweep|k6|property|isolation|report|gate] [options]

commands:
  run (default)        run scenarios; with no options, the whole default suite
  list                 show scenarios, targets and variants
  sweep                contention sweep of one scenario: --workers 1,2,4,8 --rates 0,50,200
                       (per-worker operations per second; 0 = closed loop); writes sweep.json, sweep.html
  k6 export SCENARIO   write the HTTP load scenario as a self-contained k6 script (--out FILE)
  k6 run SCENARIO      run it with the k6 binary against the target's services, check the
                       invariants after; --segments N runs N k6 instances (execution segments)
  property TARGET      property-based test: generated clients, operations and statement schedules on
                       the real database; a failure is shrunk and printed per client (--variant,
                       --runs N (100), --seed N; --replay SEED:PATH reproduces a printed counterexample)
  isolation            probe G0, G1a, G1b, G1c, OTV, PMP, P4, G-single, G2-item and G2 at every
                       isolation level of Postgres and MariaDB; prints the table, writes results.json
  report [DIR]         rebuild report.html, junit.xml and summary.md from a run folder
  gate --baseline B [DIR]
                       compare a run (folder or results.json; default .) with a baseline results.json:
                       broken variants no longer caught, new violations, throughput drop beyond
                       --max-throughput-drop (0.2), p99 rise beyond --max-p99-rise (0.5); exit 1

options:
  --scenario NAME      run only this scenario (repeat or comma-separate for more)
  --target NAME        run only scenarios of this target
  --variant NAME       run only this variant (e.g. correct)
  --workers N          workers per scenario
  --duration D         how long each scenario runs (500ms, 3s, 1m)
  --seed N             seed for the operation plan (printed on every run)
  --provider P         auto | url | process | container   (default auto)
  --out DIR            report folder (default chaos-report/<timestamp>)
  --config FILE        config file (default ./chaos.config.ts if present)
  --time-scale X       timing-grid: multiply rates, offsets and window by X
  --window D           timing-grid: how long each point runs, in article time
  --timeout D          per-operation deadline; a call still running is recorded as info (default 5s)
  --no-co-correction   measure paced operations from when they started, not when they were meant to
  --rate N             open model: N operations (HTTP load: requests) per second over all workers
  --threshold M=EXPR   load threshold in k6's syntax, e.g. latency=p(99)<500 (repeatable);
                       metrics: latency, failed_requests, checks, requests; a failed one exits 99
  --segments N         k6 run: N k6 instances, each with its --execution-segment
  --baseline FILE      run: after the run, gate it against this results.json (exit 1 on a regression)
  -h, --help           this text`;

export interface CliOptions {
  command: 'run' | 'list' | 'sweep' | 'k6-export' | 'report' | 'gate' | 'property' | 'isolation' | 'help';
  /** `property TARGET`: the target, fast-check runs, and a counterexample to replay. */
  propertyTarget?: string;
  propertyRuns?: number;
  replay?: { seed: number; path: string };
  /** Compare with this results.json (gate, or run --baseline). */
  baseline?: string;
  tolerances?: Partial<GateTolerances>;
  /** `report DIR`: the run folder (or its results.json). */
  reportDir?: string;
  /** `k6 run`: load scenarios run on k6. */
  engine?: LoadEngine;
  ratePerSecond?: number;
  segments?: number;
  thresholds?: Thresholds;
  /** sweep: worker counts and per-worker rates of the grid. */
  sweepWorkers?: number[];
  sweepRates?: number[];
  scenarios?: string[];
  targets?: string[];
  variants?: string[];
  workers?: number;
  durationMs?: number;
  seed?: number;
  provider?: ProviderPreference;
  out?: string;
  config?: string;
  timeScale?: number;
  windowMs?: number;
  timeoutMs?: number;
  correctCoordinatedOmission?: boolean;
}

const PROVIDERS = ['auto', 'url', 'process', 'container'] as const;

/** How a suite run is shaped: taken by `run` and `k6 run`. */
const RUN_SHAPE = [
  'workers',
  'duration',
  'seed',
  'time-scale',
  'window',
  'timeout',
  'no-co-correction',
  'rate',
  'threshold',
];
const GATE = ['baseline', 'max-throughput-drop', 'max-p99-rise'];
const SERVERS = ['provider', 'config', 'out'];

/**
 * The flags each command takes (`k6 run` is its own entry): any other is a
 * usage error, never silently ignored. --config is taken by all, as a shell
 * alias may always pass it (report and gate do not load it).
 */
const FLAGS_OF: Record<string, readonly string[]> = {
  run: ['scenario', 'target', 'variant', ...RUN_SHAPE, ...SERVERS, ...GATE],
  'k6 run': ['variant', 'segments', ...RUN_SHAPE, ...SERVERS, ...GATE],
  // The script's own shape only: timing grids and the harness's latency correction are not in it.
  'k6 export': ['workers', 'duration', 'seed', 'timeout', 'rate', 'threshold', 'config', 'out'],
  list: ['config'],
  sweep: ['scenario', 'variant', 'workers', 'rates', 'duration', 'seed', ...SERVERS],
  property: ['variant', 'runs', 'replay', 'seed', ...SERVERS],
  isolation: SERVERS,
  report: ['out', 'config'],
  gate: [...GATE, 'config'],
};

/** A user's whole number of at least `min` (a flag's or a variable's value), or a UsageError naming it. */
export function positiveInteger(text: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag}: expected a whole number >= ${min}, got ${shown(text)}`);
  }
  return Number(text);
}

export function parseCli(argv: string[]): CliOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        scenario: { type: 'string', multiple: true },
        target: { type: 'string', multiple: true },
        variant: { type: 'string', multiple: true },
        workers: { type: 'string' },
        rates: { type: 'string' },
        duration: { type: 'string' },
        seed: { type: 'string' },
        provider: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        'time-scale': { type: 'string' },
        window: { type: 'string' },
        timeout: { type: 'string' },
        'no-co-correction': { type: 'boolean' },
        rate: { type: 'string' },
        threshold: { type: 'string', multiple: true },
        segments: { type: 'string' },
        baseline: { type: 'string' },
        runs: { type: 'string' },
        replay: { type: 'string' },
        'max-throughput-drop': { type: 'string' },
        'max-p99-rise': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const list = (v: unknown) => (v as string[] | undefined)?.flatMap((s) => s.split(',')).filter(Boolean);
  const first = values.help ? 'help' : (positionals[0] ?? 'run');
  let command: CliOptions['command'];
  let scenarios = list(values.scenario);
  let engine: LoadEngine | undefined;
  if (first === 'k6') {
    const [, action, scenario, extra] = positionals;
    if (action !== 'export' && action !== 'run')
      throw new UsageError(`k6: expected "export" or "run", got ${action ? shown(action) : 'nothing'}`);
    if (!scenario)
      throw new UsageError(`k6 ${action}: name the scenario, e.g. k6 ${action} saga-orders-load`);
    if (extra) throw new UsageError(`unexpected argument ${shown(extra)}`);
    command = action === 'export' ? 'k6-export' : 'run';
    if (action === 'run') engine = 'k6';
    scenarios = [scenario];
  } else if (first === 'isolation') {
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${shown(positionals[1])}`);
    command = 'isolation';
  } else if (first === 'property') {
    if (!positionals[1]) throw new UsageError('property: name the target, e.g. property postgres-versioning');
    if (positionals.length > 2) throw new UsageError(`unexpected argument ${shown(positionals[2])}`);
    command = 'property';
  } else if (first === 'report' || first === 'gate') {
    if (positionals.length > 2) throw new UsageError(`unexpected argument ${shown(positionals[2])}`);
    command = first;
  } else {
    if (first !== 'run' && first !== 'list' && first !== 'sweep' && first !== 'help')
      throw new UsageError(
        `unknown command ${shown(first)} (commands: run, list, sweep, k6, report, gate, property, isolation)`,
      );
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${shown(positionals[1])}`);
    command = first;
  }

  const name = first === 'k6' ? `k6 ${positionals[1]}` : first;
  const allowed = FLAGS_OF[name] ?? [];
  for (const flag of Object.keys(values))
    if (command !== 'help' && values[flag] !== undefined && !allowed.includes(flag))
      throw new UsageError(
        `--${flag} does not apply to ${name}${allowed.length > 0 ? ` (its options: ${allowed.map((f) => `--${f}`).join(' ')})` : ''}`,
      );

  const options: CliOptions = { command };
  if ((command === 'report' || command === 'gate') && positionals[1]) options.reportDir = positionals[1];
  if (values.baseline !== undefined) options.baseline = values.baseline as string;
  if (command === 'property') {
    options.propertyTarget = positionals[1]!;
    if (values.runs !== undefined) options.propertyRuns = positiveInteger(values.runs as string, '--runs');
    if (values.replay !== undefined) {
      try {
        options.replay = parseReplay(values.replay as string);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
  }
  if (command === 'gate' && !options.baseline)
    throw new UsageError('gate needs --baseline FILE (a results.json to compare with)');
  const fraction = (flag: string, text: unknown) => {
    const x = Number(text);
    if (!(x >= 0) || !Number.isFinite(x))
      throw new UsageError(`${flag}: expected a fraction such as 0.2, got ${shown(text)}`);
    return x;
  };
  if (values['max-throughput-drop'] !== undefined)
    options.tolerances = {
      ...options.tolerances,
      throughputDrop: fraction('--max-throughput-drop', values['max-throughput-drop']),
    };
  if (values['max-p99-rise'] !== undefined)
    options.tolerances = {
      ...options.tolerances,
      p99Rise: fraction('--max-p99-rise', values['max-p99-rise']),
    };
  if (engine) options.engine = engine;
  const targets = list(values.target);
  const variants = list(values.variant);
  if (scenarios) options.scenarios = scenarios;
  if (targets) options.targets = targets;
  if (variants) options.variants = variants;
  if (values.workers !== undefined && command === 'sweep') {
    options.sweepWorkers = (values.workers as string)
      .split(',')
      .map((w) => positiveInteger(w.trim(), '--workers'));
  } else if (values.workers !== undefined) {
    options.workers = positiveInteger(values.workers as string, '--workers');
  }
  if (values.rates !== undefined) {
    options.sweepRates = (values.rates as string)
      .split(',')
      .map((r) => positiveInteger(r.trim(), '--rates', 0));
  }
  if (values.duration !== undefined)
    options.durationMs = parseDuration(values.duration as string, '--duration');
  if (values.seed !== undefined) options.seed = positiveInteger(values.seed as string, '--seed', 0);
  if (values.provider !== undefined) {
    const provider = values.provider as string;
    if (!(PROVIDERS as readonly string[]).includes(provider))
      throw new UsageError(`--provider: expected one of ${PROVIDERS.join(', ')}, got ${shown(provider)}`);
    options.provider = provider as ProviderPreference;
  }
  if (values.out !== undefined) options.out = values.out as string;
  if (values.config !== undefined) options.config = values.config as string;
  if (values['time-scale'] !== undefined) {
    const scale = Number(values['time-scale']);
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new UsageError(`--time-scale: expected a positive number, got ${shown(values['time-scale'])}`);
    options.timeScale = scale;
  }
  if (values.window !== undefined) options.windowMs = parseDuration(values.window as string, '--window');
  if (values['no-co-correction']) options.correctCoordinatedOmission = false;
  if (values.rate !== undefined) {
    const rate = Number(values.rate);
    if (!(rate > 0) || !Number.isFinite(rate))
      throw new UsageError(
        `--rate: expected a positive number of operations per second, got ${shown(values.rate)}`,
      );
    options.ratePerSecond = rate;
  }
  if (values.segments !== undefined) {
    options.segments = positiveInteger(values.segments as string, '--segments');
  }
  if (values.threshold !== undefined) {
    const thresholds: Thresholds = {};
    for (const text of values.threshold as string[]) {
      const at = text.indexOf('=');
      if (at <= 0)
        throw new UsageError(
          `--threshold: expected METRIC=EXPRESSION, e.g. latency=p(99)<500, got ${shown(text)}`,
        );
      const metric = text.slice(0, at).trim();
      thresholds[metric] = [...(thresholds[metric] ?? []), text.slice(at + 1).trim()];
    }
    validateThresholds(thresholds);
    options.thresholds = thresholds;
  }
  if (values.timeout !== undefined) {
    options.timeoutMs = parseDuration(values.timeout as string, '--timeout');
    if (options.timeoutMs <= 0) throw new UsageError('--timeout: expected a positive duration');
  }
  return options;
}
