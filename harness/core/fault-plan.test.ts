import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.ts';
import { type FaultSpec, planFaultWindows, validateFaults } from './fault-plan.ts';

describe('validateFaults', () => {
  it('accepts every kind and Toxiproxy toxic with its own attribute names', () => {
    const faults = [
      { kind: 'kill-connection' },
      { kind: 'kill-query', startMs: 100, durationMs: 50, intervalMs: 500 },
      { kind: 'crash' },
      { kind: 'pause', durationMs: 300 },
      { kind: 'network', toxic: { type: 'latency', attributes: { latency: 100, jitter: 20 } } },
      { kind: 'network', toxic: { type: 'reset_peer', attributes: { timeout: 0 }, stream: 'upstream' } },
      {
        kind: 'network',
        toxic: { type: 'slicer', attributes: { average_size: 64, size_variation: 8, delay: 10 } },
      },
      { kind: 'network', toxic: { type: 'limit_data', attributes: { bytes: 1000 } } },
      { kind: 'network', toxic: { type: 'down' } },
      { kind: 'clock-skew', skewMs: -3000, durationMs: 2000 },
    ];
    expect(validateFaults(faults, 'scenario s')).toHaveLength(faults.length);
  });

  it.each([
    [
      { kind: 'meteor' },
      /scenario s\.faults\.0\.kind: unknown fault "meteor" \(known: kill-connection, kill-query, crash, pause, network, clock-skew\)/,
    ],
    [{ kind: 'network' }, /needs a toxic/],
    [{ kind: 'network', toxic: { type: 'lag' } }, /Toxiproxy has no toxic "lag"/],
    [
      { kind: 'network', toxic: { type: 'latency', attributes: { delay: 5 } } },
      /toxic\.attributes\.delay: Toxiproxy's latency toxic has no attribute "delay" \(it has: latency, jitter\)/,
    ],
    [{ kind: 'network', toxic: { type: 'latency', attributes: { latency: -1 } } }, /non-negative number/],
    [{ kind: 'crash', toxic: { type: 'latency' } }, /only network faults take a toxic/],
    [{ kind: 'pause', durationMs: 500, intervalMs: 400 }, /intervalMs must be longer than durationMs/],
    [{ kind: 'pause', startMs: 'soon' }, /startMs: expected a non-negative number/],
    [{ kind: 'clock-skew' }, /faults\.0\.skewMs: a clock-skew fault needs a whole number of milliseconds/],
    [{ kind: 'clock-skew', skewMs: 0 }, /skewMs: .*not 0/],
    [{ kind: 'clock-skew', skewMs: 1.5 }, /skewMs: .*whole number/],
    [{ kind: 'clock-skew', skewMs: 90_000_000 }, /at most a day/],
    [{ kind: 'pause', skewMs: 100 }, /only clock-skew faults take a skew/],
  ])('rejects %j with a message naming the field', (fault, message) => {
    expect(() => validateFaults([fault], 'scenario s')).toThrow(UsageError);
    expect(() => validateFaults([fault], 'scenario s')).toThrow(message);
  });
});

describe('planFaultWindows', () => {
  it('labels a clock skew with its direction and size', () => {
    const [ahead, behind] = planFaultWindows(
      [
        { kind: 'clock-skew', skewMs: 3000, startMs: 10 },
        { kind: 'clock-skew', skewMs: -250, startMs: 20 },
      ],
      1000,
      1,
    );
    expect([ahead!.label, behind!.label]).toEqual(['clock-skew:+3000ms', 'clock-skew:-250ms']);
  });

  it('places fixed windows and repeats them on an interval inside the run', () => {
    const windows = planFaultWindows(
      [
        { kind: 'pause', startMs: 1000, durationMs: 200 },
        { kind: 'kill-query', startMs: 100, durationMs: 50, intervalMs: 1000 },
      ],
      3000,
      1,
    );
    expect(windows.map((w) => [w.label, w.startMs, w.endMs])).toEqual([
      ['kill-query', 100, 150],
      ['pause', 1000, 1200],
      ['kill-query', 1100, 1150],
      ['kill-query', 2100, 2150],
    ]);
  });

  it('defaults the first window to a quarter of the run', () => {
    expect(planFaultWindows([{ kind: 'crash' }], 4000, 1)[0]).toMatchObject({ startMs: 1000, endMs: 1500 });
  });

  it('draws random windows from the seed: same seed, same plan; never overlapping for one fault', () => {
    const faults: FaultSpec[] = [
      { kind: 'crash', random: { count: 8, minDurationMs: 100, maxDurationMs: 400 } },
    ];
    const a = planFaultWindows(faults, 10_000, 42);
    expect(planFaultWindows(faults, 10_000, 42)).toEqual(a);
    expect(planFaultWindows(faults, 10_000, 43)).not.toEqual(a);
    for (let i = 1; i < a.length; i++) expect(a[i]!.startMs).toBeGreaterThanOrEqual(a[i - 1]!.endMs);
    for (const w of a) {
      expect(w.endMs - w.startMs).toBeGreaterThanOrEqual(100);
      expect(w.endMs).toBeLessThanOrEqual(10_000);
    }
  });
});
