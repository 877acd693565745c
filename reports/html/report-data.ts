/**
 * What the HTML report shows, read from results.json and the histories: per
 * run its figures, a downsampled latency scatter (every operation would make a
 * 1,000,000-operation report hundreds of megabytes), throughput over time,
 * fault windows, and each violation with the operations that prove it.
 * Histories are streamed, so a huge run does not need to fit in memory.
 */
import { type CheckResult, violationTotal } from '../../harness/core/check.ts';
import {
  type CompletionEvent,
  historyExists,
  type InvokeEvent,
  readHistory,
} from '../../harness/core/history.ts';
import type { RunResult, SuiteResults, SweepPoint } from '../../harness/core/results.ts';
import { thresholdResultsOf } from '../../harness/core/run-thresholds.ts';
import type { ThresholdResult } from '../../harness/core/thresholds.ts';
import type { MutationReport } from '../../properties/mutation/mutate.ts';
import type { PropertyResult } from '../../properties/property-run.ts';
import { type RunStatus, statusOf } from '../terminal.ts';

/** Latency points kept per run; beyond it every k-th operation is kept, and the chart says so. */
export const MAX_POINTS_PER_RUN = 4000;
const THROUGHPUT_BUCKETS = 100;
const MAX_VIOLATIONS_SHOWN = 50;
const MAX_OPERATIONS_PER_VIOLATION = 12;
const MAX_TEXT = 300;

export const OUTCOME_CODES = { ok: 0, fail: 1, info: 2 } as const;

export interface ProvingOperation {
  id: number;
  worker: number;
  op: string;
  outcome: string;
  invokedAt: number;
  completedAt: number;
  args: string;
  result: string;
}

export interface ViolationView {
  checker: string;
  invariant: string;
  message: string;
  operations: ProvingOperation[];
}

export interface RunView {
  result: Omit<RunResult, 'checks' | 'historyFiles'>;
  /** Each check's verdict, and its figures (e.g. the retries a checker counted, the anomalies found). */
  checks: {
    checker: string;
    verdict: string;
    violations: number;
    reason?: string;
    metrics?: Record<string, number>;
    /** Figures over the run's time (e.g. a projection's lag), drawn with the fault windows shaded. */
    series?: { name: string; unit: string; points: [number, number][] }[];
    /** Sagas followed across services (a choreographed saga's events), as the checker reconstructed them. */
    traces?: { id: string; outcome: string; steps: { atMs: number; service: string; event: string }[] }[];
  }[];
  /** Columnar, to keep the file small: time (ms), latency (ms), outcome code (0 ok, 1 fail, 2 info). */
  points: { t: number[]; latency: number[]; outcome: number[] };
  /** Operations in the history, and how many the scatter shows. */
  sampled: { shown: number; total: number; everyNth: number };
  /** Completions per second in equal time buckets. */
  throughput: { t: number[]; ok: number[]; fail: number[]; info: number[] };
  violations: ViolationView[];
  violationsTotal: number;
  /** Every threshold judged for the run: its load engine's and the config's. */
  thresholds: ThresholdResult[];
  /** PASS, CAUGHT, FAIL or MISSED, from statusOf (the browser script shows it as it is). */
  status: RunStatus;
}

export interface SweepView {
  scenario: string;
  variant: string;
  seed: number;
  durationMs: number;
  points: SweepPoint[];
}

export interface ReportData {
  title: string;
  generatedAt: string;
  suite: Omit<SuiteResults, 'runs'>;
  runs: RunView[];
  /** A contention sweep's grid, plotted when present. */
  sweep?: SweepView;
  /** Property runs, with each counterexample as a per-client trace, and each one's status. */
  properties?: (PropertyResult & { status: RunStatus })[];
  /** `chaos mutate`: each generated mutant's verdict and the score. */
  mutation?: MutationReport;
}

const shorten = (value: unknown): string => {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}...` : text;
};

const round = (x: number) => Math.round(x * 100) / 100;

/** Keeps every k-th item, doubling k whenever twice the budget is reached, so memory stays bounded. */
class Decimator {
  everyNth = 1;
  private seen = 0;
  readonly t: number[] = [];
  readonly latency: number[] = [];
  readonly outcome: number[] = [];

  constructor(private readonly budget: number) {}

  add(t: number, latency: number, outcome: number): void {
    if (this.seen++ % this.everyNth !== 0) return;
    this.t.push(t);
    this.latency.push(latency);
    this.outcome.push(outcome);
    if (this.t.length >= this.budget * 2) {
      this.everyNth *= 2;
      for (const column of [this.t, this.latency, this.outcome]) {
        const kept = column.filter((_, i) => i % 2 === 0);
        column.length = 0;
        column.push(...kept);
      }
    }
  }
}

/** One pass over a run's history files (a timing grid has one per point, laid end to end). */
async function readRun(files: string[], wanted: Set<number>) {
  const points = new Decimator(MAX_POINTS_PER_RUN);
  // Completions per 10 ms bin and outcome, regrouped into the chart's buckets at the end.
  const bins: number[][] = [[], [], []];
  const proving = new Map<number, ProvingOperation>();
  let offset = 0;
  let total = 0;
  for (const [fileIndex, file] of files.entries()) {
    if (!historyExists(file)) continue;
    const open = new Map<number, InvokeEvent>();
    let end = 0;
    for await (const event of readHistory(file)) {
      end = Math.max(end, event.t);
      if (event.type === 'invoke') {
        open.set(event.id, event);
        continue;
      }
      if (event.type === 'fault-start' || event.type === 'fault-stop') continue; // in result.faultWindows
      const completion = event as CompletionEvent;
      const invoke = open.get(completion.id);
      if (!invoke) continue;
      open.delete(completion.id);
      total++;
      const start = invoke.intended ?? invoke.t;
      const code = OUTCOME_CODES[completion.type];
      points.add(round(offset + completion.t), round(completion.t - start), code);
      const bin = Math.floor((offset + completion.t) / BIN_MS);
      bins[code]![bin] = (bins[code]![bin] ?? 0) + 1;
      // Ids restart in each file of a timing grid; violations name ids of the run's first file onwards.
      if (fileIndex === 0 && wanted.has(completion.id)) {
        proving.set(completion.id, {
          id: completion.id,
          worker: invoke.worker,
          op: invoke.op,
          outcome: completion.type,
          invokedAt: round(invoke.t),
          completedAt: round(completion.t),
          args: shorten(invoke.args),
          result: shorten(completion.error ?? completion.value),
        });
      }
    }
    offset += end;
  }
  return { points, bins, proving, total, duration: offset };
}

const BIN_MS = 10;

function throughputOf(bins: number[][], duration: number): RunView['throughput'] {
  // A bucket holds a whole number of 10 ms bins, or buckets alternately get one more bin (a false sawtooth).
  const wanted = Math.max(1, Math.min(THROUGHPUT_BUCKETS, Math.ceil(duration / 50)));
  const width = BIN_MS * Math.max(1, Math.ceil(duration / wanted / BIN_MS));
  const buckets = Math.max(1, Math.ceil(duration / width));
  const counts = [0, 1, 2].map(() => new Array<number>(buckets).fill(0));
  for (const [code, perBin] of bins.entries())
    perBin.forEach((n, bin) => {
      const bucket = Math.min(buckets - 1, Math.floor((bin * BIN_MS) / width));
      counts[code]![bucket]! += n;
    });
  const perSecond = (n: number) => round((n * 1000) / width);
  return {
    t: Array.from({ length: buckets }, (_, i) => round((i + 0.5) * width)),
    ok: counts[0]!.map(perSecond),
    fail: counts[1]!.map(perSecond),
    info: counts[2]!.map(perSecond),
  };
}

/** The violations the report lists (the first few, each with its first proving operations). */
function shownViolations(checks: CheckResult[]) {
  return checks
    .flatMap((c) => c.violations.map((v) => ({ checker: c.checker, ...v })))
    .slice(0, MAX_VIOLATIONS_SHOWN)
    .map((v) => ({ ...v, operations: v.operations.slice(0, MAX_OPERATIONS_PER_VIOLATION) }));
}

export async function buildReportData(results: SuiteResults, title = 'Chaos report'): Promise<ReportData> {
  const { runs, ...suite } = results;
  const views: RunView[] = [];
  for (const run of runs) {
    const { checks, historyFiles, ...rest } = run;
    const shown = shownViolations(checks);
    const read = await readRun(historyFiles, new Set(shown.flatMap((v) => v.operations)));
    views.push({
      result: rest,
      checks: checks.map((c) => ({
        checker: c.checker,
        verdict: c.verdict,
        violations: violationTotal([c]),
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.metrics ? { metrics: c.metrics } : {}),
        ...(c.series?.length ? { series: c.series } : {}),
        ...(c.traces?.length ? { traces: c.traces } : {}),
      })),
      points: { t: read.points.t, latency: read.points.latency, outcome: read.points.outcome },
      sampled: { shown: read.points.t.length, total: read.total, everyNth: read.points.everyNth },
      throughput: throughputOf(read.bins, read.duration),
      violations: shown.map(({ checker, invariant, message, operations }) => ({
        checker,
        invariant,
        message,
        operations: operations
          .map((id) => read.proving.get(id))
          .filter((o): o is ProvingOperation => o !== undefined),
      })),
      violationsTotal: violationTotal(checks),
      thresholds: thresholdResultsOf(run),
      status: statusOf(run),
    });
  }
  return { title, generatedAt: new Date().toISOString(), suite, runs: views };
}

/** Property runs as the report shows them: each with its status. */
export function propertyViews(results: PropertyResult[]): NonNullable<ReportData['properties']> {
  return results.map((p) => ({ ...p, status: statusOf(p) }));
}
