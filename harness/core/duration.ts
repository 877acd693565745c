import { shown, UsageError } from './errors.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parse k6-style durations ("500ms", "10s", "2m", "1.5s"); a bare number is milliseconds. */
export function parseDuration(text: string | number, field = 'duration'): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0)
      throw new UsageError(`${field}: expected a non-negative duration, got ${text}`);
    return text;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new UsageError(`${field}: ${shown(text)} is not a duration (examples: 500ms, 10s, 2m)`);
  return Number(match[1]) * UNITS[match[2] ?? 'ms']!;
}
