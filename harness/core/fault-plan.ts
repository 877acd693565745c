/**
 * What a scenario asks the nemesis to do: which faults, when, for how long.
 * Toxic names and attributes are Toxiproxy's own. A schedule is planned from
 * the run's seed, so the same seed gives the same fault plan.
 */
import { UsageError } from './errors.ts';
import { Random } from './rng.ts';

export const FAULT_KINDS = [
  'kill-connection',
  'kill-query',
  'crash',
  'pause',
  'network',
  'clock-skew',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Toxiproxy's toxics and their attributes (https://github.com/Shopify/toxiproxy#toxics), plus "down". */
export const TOXIC_ATTRIBUTES = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
  limit_data: ['bytes'],
  down: [],
} as const;
export type ToxicType = keyof typeof TOXIC_ATTRIBUTES;

export interface ToxicSpec {
  type: ToxicType;
  attributes?: Record<string, number>;
  /** Toxiproxy's direction: `downstream` (server -> client, default) or `upstream`. */
  stream?: 'upstream' | 'downstream';
  /** Fraction of connections affected (Toxiproxy's toxicity), 1 by default. */
  toxicity?: number;
}

export interface FaultSpec {
  kind: FaultKind;
  /** First window starts this long after the workload starts (ms). Default: 25% of the run. */
  startMs?: number;
  /** How long each window lasts (ms): the fault is healed at its end. Default 500 ms. */
  durationMs?: number;
  /** Repeat a window every this many ms (start to start) until the run ends. */
  intervalMs?: number;
  /** Draw start and duration from the seed instead (within the run), `count` windows. */
  random?: { count: number; minDurationMs?: number; maxDurationMs?: number };
  /** For `network`: the Toxiproxy toxic to add during each window. */
  toxic?: ToxicSpec;
  /** For `clock-skew`: how far the clock moves during each window (ms; negative: back in time). */
  skewMs?: number;
}

export interface FaultWindow {
  /** Index of the spec in the scenario's fault list. */
  fault: number;
  kind: FaultKind;
  /** A readable label, e.g. "network:latency" or "crash". */
  label: string;
  startMs: number;
  endMs: number;
  spec: FaultSpec;
}

export function faultLabel(spec: FaultSpec): string {
  if (spec.kind === 'network' && spec.toxic) return `network:${spec.toxic.type}`;
  if (spec.kind === 'clock-skew' && spec.skewMs !== undefined)
    return `clock-skew:${spec.skewMs > 0 ? '+' : ''}${spec.skewMs}ms`;
  return spec.kind;
}

/** A day: more skew than any clock drift, and more than libfaketime's offsets need. */
const MAX_SKEW_MS = 86_400_000;

/** Check a fault list before anything runs: unknown kinds and toxic attributes Toxiproxy does not have. */
export function validateFaults(faults: unknown[], where: string): FaultSpec[] {
  return faults.map((raw, i) => {
    const at = `${where}.faults.${i}`;
    const spec = raw as FaultSpec;
    if (!(FAULT_KINDS as readonly string[]).includes(spec?.kind)) {
      throw new UsageError(
        `${at}.kind: unknown fault "${String(spec?.kind)}" (known: ${FAULT_KINDS.join(', ')})`,
      );
    }
    for (const field of ['startMs', 'durationMs', 'intervalMs'] as const) {
      const value = spec[field];
      if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
        throw new UsageError(`${at}.${field}: expected a non-negative number of milliseconds`);
      }
    }
    if (spec.intervalMs !== undefined && spec.intervalMs <= (spec.durationMs ?? 500)) {
      throw new UsageError(`${at}.intervalMs must be longer than durationMs, or windows would overlap`);
    }
    if (spec.kind === 'network') {
      if (!spec.toxic)
        throw new UsageError(
          `${at}.toxic: a network fault needs a toxic (one of ${Object.keys(TOXIC_ATTRIBUTES).join(', ')})`,
        );
      const known = TOXIC_ATTRIBUTES[spec.toxic.type as ToxicType] as readonly string[] | undefined;
      if (!known)
        throw new UsageError(
          `${at}.toxic.type: Toxiproxy has no toxic "${spec.toxic.type}" (known: ${Object.keys(TOXIC_ATTRIBUTES).join(', ')})`,
        );
      for (const [name, value] of Object.entries(spec.toxic.attributes ?? {})) {
        if (!known.includes(name)) {
          throw new UsageError(
            `${at}.toxic.attributes.${name}: Toxiproxy's ${spec.toxic.type} toxic has no attribute "${name}" (it has: ${known.join(', ') || 'none'})`,
          );
        }
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          throw new UsageError(`${at}.toxic.attributes.${name}: expected a non-negative number`);
        }
      }
      if (
        spec.toxic.stream !== undefined &&
        spec.toxic.stream !== 'upstream' &&
        spec.toxic.stream !== 'downstream'
      ) {
        throw new UsageError(`${at}.toxic.stream: expected upstream or downstream`);
      }
    } else if (spec.toxic) {
      throw new UsageError(`${at}.toxic: only network faults take a toxic`);
    }
    if (spec.kind === 'clock-skew') {
      const skew = spec.skewMs;
      if (
        !(typeof skew === 'number' && Number.isInteger(skew) && skew !== 0 && Math.abs(skew) <= MAX_SKEW_MS)
      )
        throw new UsageError(
          `${at}.skewMs: a clock-skew fault needs a whole number of milliseconds, not 0, at most a day either way`,
        );
    } else if (spec.skewMs !== undefined) {
      throw new UsageError(`${at}.skewMs: only clock-skew faults take a skew`);
    }
    return spec;
  });
}

/** The windows of every fault in a run of `runMs`, sorted by start. Deterministic for a seed. */
export function planFaultWindows(faults: FaultSpec[], runMs: number, seed: number): FaultWindow[] {
  const windows: FaultWindow[] = [];
  faults.forEach((spec, fault) => {
    const label = faultLabel(spec);
    if (spec.random) {
      const rng = new Random(seed).fork('faults', fault);
      const min = spec.random.minDurationMs ?? 200;
      const max = Math.max(min, spec.random.maxDurationMs ?? 1000);
      const drawn: FaultWindow[] = [];
      for (let i = 0; i < spec.random.count; i++) {
        const durationMs = min + rng.int(max - min + 1);
        const startMs = rng.int(Math.max(1, runMs - durationMs));
        drawn.push({ fault, kind: spec.kind, label, startMs, endMs: startMs + durationMs, spec });
      }
      // Windows of one fault never overlap (a server cannot crash while it is down): keep the earliest.
      drawn.sort((a, b) => a.startMs - b.startMs);
      let freeFrom = 0;
      for (const window of drawn) {
        if (window.startMs < freeFrom) continue;
        windows.push(window);
        freeFrom = window.endMs;
      }
      return;
    }
    const durationMs = spec.durationMs ?? 500;
    let startMs = spec.startMs ?? Math.round(runMs * 0.25);
    do {
      if (startMs >= runMs) break;
      windows.push({
        fault,
        kind: spec.kind,
        label,
        startMs,
        endMs: Math.min(runMs, startMs + durationMs),
        spec,
      });
      startMs += spec.intervalMs ?? Number.POSITIVE_INFINITY;
    } while (spec.intervalMs !== undefined);
  });
  return windows.sort((a, b) => a.startMs - b.startMs || a.fault - b.fault);
}
