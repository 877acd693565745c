import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';
import { UsageError } from './errors.ts';

describe('parseDuration', () => {
  it('reads k6-style durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('3s')).toBe(3000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('250')).toBe(250);
  });

  it('rejects garbage with the field name', () => {
    expect(() => parseDuration('soon', '--duration')).toThrow(UsageError);
    expect(() => parseDuration('soon', '--duration')).toThrow(/--duration: "soon" is not a duration/);
    expect(() => parseDuration(-1)).toThrow(UsageError);
  });
});
