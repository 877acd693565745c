/**
 * What a run produces, as one zod schema: the contract of results.json. The
 * runner produces it, the reporters read it, and `report` and `gate` validate
 * a file against it before using it, so a corrupted or foreign file is a
 * clear error naming the bad field rather than a crash half-way.
 */
import { z } from 'zod';

/** Bumped whenever a field changes meaning or disappears; files of older versions must still load. */
export const RESULTS_SCHEMA_VERSION = 1;

const verdict = z.enum(['valid', 'invalid', 'unknown']);
const counts = z.object({ ok: z.number(), fail: z.number(), info: z.number() });

export const ViolationSchema = z.object({
  invariant: z.string(),
  message: z.string(),
  operations: z.array(z.number()),
  /**
   * When one violation stands for several independent cases (n orders stuck,
   * n timers dangling), each case's operations. A case is proven once its own
   * operations complete, so the first proof is the earliest case's, not the last
   * operation of them all.
   */
  cases: z.array(z.array(z.number())).optional(),
});

export const CheckSeriesSchema = z.object({
  name: z.string(),
  unit: z.string(),
  points: z.array(z.tuple([z.number(), z.number()])),
});

/** One saga (or request) followed across services: its events in time order, from its first. */
export const CheckTraceSchema = z.object({
  id: z.string(),
  outcome: z.string(),
  steps: z.array(z.object({ atMs: z.number(), service: z.string(), event: z.string() })),
});

export const CheckResultSchema = z.object({
  checker: z.string(),
  verdict,
  violations: z.array(ViolationSchema),
  reason: z.string().optional(),
  /** Unknown because there was nothing to judge (no acknowledged operation of its kind). */
  vacuous: z.boolean().optional(),
  omitted: z.number().optional(),
  metrics: z.record(z.number()).optional(),
  /** Figures over the run's time (ms into the run, value), drawn by the report with the fault windows shaded. */
  series: z.array(CheckSeriesSchema).optional(),
  /** Traces the checker reconstructed (a choreographed saga's events), shown by the report. */
  traces: z.array(CheckTraceSchema).optional(),
});

const latencySummary = z.object({
  p50: z.number(),
  p90: z.number(),
  p97_5: z.number(),
  p99: z.number(),
  p99_9: z.number(),
  max: z.number(),
  correctedForCoordinatedOmission: z.boolean(),
});

export const HistorySummarySchema = z.object({
  operations: z.number(),
  counts,
  byOperation: z.record(counts),
  latency: latencySummary,
  conflictRate: z.number(),
  throughput: z.number(),
});

const pacing = z.union([
  z.object({ kind: z.literal('closed') }),
  z.object({ kind: z.literal('paced'), rateMs: z.number(), offsetMs: z.number() }),
]);

const workload = z.object({
  workers: z.number(),
  pacing,
  durationMs: z.number().optional(),
  opCount: z.number().optional(),
  keys: z.object({
    count: z.number(),
    distribution: z.enum(['uniform', 'hot']),
    hotFraction: z.number(),
  }),
});

export const ThresholdResultSchema = z.object({
  metric: z.string(),
  expression: z.string(),
  value: z.number().optional(),
  passed: z.boolean(),
});

export const LoadResultSchema = z.object({
  engine: z.enum(['autocannon', 'k6']),
  model: z.enum(['closed', 'open']),
  connections: z.number(),
  ratePerSecond: z.number().optional(),
  requests: z.number(),
  requestsPerSecond: z.number(),
  latency: z.object({
    p50: z.number(),
    p90: z.number(),
    p99: z.number(),
    p99_9: z.number(),
    avg: z.number(),
    max: z.number(),
  }),
  latencySource: z.string(),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  checksFailed: z.number(),
  thresholds: z.array(ThresholdResultSchema),
  segments: z.number().optional(),
  iterations: z.number().optional(),
  perSegment: z
    .array(z.object({ segment: z.string(), requests: z.number(), iterations: z.number(), p99: z.number() }))
    .optional(),
  exitCode: z.number().optional(),
});

export const FaultWindowResultSchema = z.object({
  fault: z.string(),
  startedAt: z.number(),
  stoppedAt: z.number().optional(),
  detail: z.record(z.unknown()).optional(),
  /** The fault broke nothing (no session to kill, its action failed): why. */
  reachedNothing: z.string().optional(),
  counts,
  violations: z.number(),
});

export const TimingPointResultSchema = z.object({
  rateMs: z.number(),
  offsetMs: z.number(),
  expect: z.enum(['no-failures', 'failures']),
  scaledRateMs: z.number(),
  scaledOffsetMs: z.number(),
  failuresByWorker: z.array(z.number()),
  /** Whether the observed failures match `expect` (judged for the correct variant only). */
  met: z.boolean(),
});

export const RunResultSchema = z.object({
  scenario: z.string(),
  target: z.string(),
  variant: z.string(),
  broken: z.boolean(),
  /** What the harness must conclude: valid for the correct variant, invalid for a mutant. */
  expected: verdict,
  verdict,
  /** Correct variant held, or mutant was caught. */
  passed: z.boolean(),
  seed: z.number(),
  workload,
  summary: HistorySummarySchema,
  checks: z.array(CheckResultSchema),
  timingGrid: z.array(TimingPointResultSchema).optional(),
  /** Load scenarios: what the load engine measured, thresholds judged. */
  load: LoadResultSchema.optional(),
  /** The config's thresholds that apply to this run, judged (absent when none apply). */
  thresholds: z.array(ThresholdResultSchema).optional(),
  /** Each fault window with the operations that overlapped it, by outcome. */
  faultWindows: z.array(FaultWindowResultSchema),
  historyFiles: z.array(z.string()),
  /**
   * When the harness had its first proof of a violation: completion time (ms
   * into the run) of the earliest operation a violation names, or the end of
   * the run for violations of the final state alone. Absent when nothing was found.
   */
  detectedAtMs: z.number().optional(),
  durationMs: z.number(),
  interrupted: z.boolean(),
  /** Set when the run could not complete (database error during setup, ...). */
  error: z.string().optional(),
});

/** One isolation probe at one level of one database (`chaos isolation`). */
export const ProbeResultSchema = z.object({
  database: z.enum(['mariadb', 'postgres']),
  level: z.string(),
  /** The anomaly probed. */
  probe: z.string(),
  /** Which of the anomaly's probes (sub-cases), when it has several. */
  subCase: z.string().optional(),
  verdict: z.enum(['prevented', 'allowed']),
  /** How it was prevented, or what showed the anomaly. */
  detail: z.string(),
});

/** One history file judged by `chaos check`. */
export const HistoryCheckSchema = z.object({
  file: z.string(),
  /** What judged it: `linearizable against cas-register`, `list-append under serializable`. */
  judgedBy: z.string(),
  /** unreadable: the file could not be read, or an operation did not fit the model. */
  verdict: z.enum(['valid', 'invalid', 'unknown', 'unreadable']),
  /** Operations (linearizability) or transactions (anomalies) in the file. */
  size: z.number().optional(),
  durationMs: z.number().optional(),
  /** The linearizability witness in words, why it is unknown, or why the file could not be read. */
  explanation: z.string().optional(),
  /** Transactional checks: every anomaly found, explained as Elle does. */
  anomalies: z
    .array(z.object({ name: z.string(), explanation: z.string(), transactions: z.array(z.number()) }))
    .optional(),
  weakestViolated: z.array(z.string()).optional(),
});

/** One variant of one scenario across the seeds of `run --seeds` (the detection matrix). */
export const DetectionRowSchema = z.object({
  scenario: z.string(),
  target: z.string(),
  variant: z.string(),
  broken: z.boolean(),
  seeds: z.array(z.number()),
  /** Broken variant: the seeds whose run caught it. */
  caught: z.array(z.number()),
  /** Broken variant: the seeds it went uncaught (or whose run did not finish). */
  missed: z.array(z.number()),
  /** Correct variant: the seeds with a violation or an unknown verdict. */
  falseAlarms: z.array(z.number()),
  /** Broken variant: time to the first proof over the seeds that caught it (ms into the run). */
  firstProofMs: z.object({ median: z.number(), p90: z.number(), max: z.number() }).optional(),
});

export const SuiteResultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  seed: z.number(),
  /** The exact command that reproduces this run's plan. */
  replay: z.string(),
  servers: z.array(z.string()),
  interrupted: z.boolean(),
  /** Every correct variant held and every broken variant was caught. */
  passed: z.boolean(),
  exitCode: z.number().optional(),
  runs: z.array(RunResultSchema),
  /** `chaos isolation`: each anomaly probe at each isolation level, prevented or allowed. */
  isolation: z.array(ProbeResultSchema).optional(),
  /** `chaos check`: each history file's verdict. */
  historyChecks: z.array(HistoryCheckSchema).optional(),
  /** `run --seeds`: the seeds the suite ran on, and per variant which caught it or raised a false alarm. */
  seeds: z.array(z.number()).optional(),
  detection: z.array(DetectionRowSchema).optional(),
  /** Why the suite stopped early, if it did. */
  error: z.string().optional(),
});

/** One point of a contention sweep (sweep.json). */
export const SweepPointSchema = z.object({
  workers: z.number(),
  /** Operations per second per worker; 0 means closed loop (as fast as it goes). */
  rate: z.number(),
  operations: z.number(),
  conflictRate: z.number(),
  /** ok operations per second. */
  throughput: z.number(),
  p99: z.number(),
  verdict: z.string(),
});

export type RunResult = z.infer<typeof RunResultSchema>;
export type TimingPointResult = z.infer<typeof TimingPointResultSchema>;
export type ProbeResult = z.infer<typeof ProbeResultSchema>;
export type HistoryCheck = z.infer<typeof HistoryCheckSchema>;
export type SuiteResults = z.infer<typeof SuiteResultsSchema>;
export type SweepPoint = z.infer<typeof SweepPointSchema>;
export type DetectionRow = z.infer<typeof DetectionRowSchema>;

/**
 * Parse a results.json's content: the suite, or an error that names the first
 * bad field by its path (e.g. `runs[3].summary.latency.p99: Expected number, received string`).
 */
export function parseSuiteResults(
  value: unknown,
): { ok: true; results: SuiteResults } | { ok: false; error: string } {
  if (typeof value === 'object' && value !== null && 'schemaVersion' in value) {
    const version = (value as { schemaVersion: unknown }).schemaVersion;
    if (version !== RESULTS_SCHEMA_VERSION)
      return {
        ok: false,
        error: `schema version ${JSON.stringify(version)}; this harness reads version ${RESULTS_SCHEMA_VERSION}`,
      };
  }
  const parsed = SuiteResultsSchema.safeParse(value);
  if (parsed.success) return { ok: true, results: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
  return { ok: false, error: `${path || 'the file'}: ${issue.message}` };
}
