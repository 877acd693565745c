import { describe, expect, it } from 'vitest';
import { resolveLoad, resolveWorkload } from './run-settings.ts';
import type { ScenarioDefinition } from './scenario.ts';
import { pacingFor } from './workload.ts';

const sql: ScenarioDefinition = { name: 's', description: '', target: 't', workload: { workers: 4 } };
const http: ScenarioDefinition = {
  ...sql,
  load: { engine: 'autocannon', thresholds: { checks: ['rate>0.9'] } },
};

describe('pacing for a rate', () => {
  it('is a closed loop at rate 0 and spreads paced workers evenly over one period', () => {
    expect(pacingFor(0, 4)).toEqual({ kind: 'closed' });
    expect(pacingFor(100, 4)).toEqual({ kind: 'paced', rateMs: 10, offsetMs: 2.5 });
  });

  it('--rate makes the workers an open model: the total rate split over them, evenly staggered', () => {
    expect(resolveWorkload(sql, { seed: 1, outDir: '.' }).pacing).toEqual({ kind: 'closed' });
    // 200 operations a second over 4 workers: each every 20 ms, the next worker 5 ms later.
    expect(resolveWorkload(sql, { seed: 1, outDir: '.', ratePerSecond: 200 }).pacing).toEqual({
      kind: 'paced',
      rateMs: 20,
      offsetMs: 5,
    });
  });

  it('--rate goes to the load engine of an HTTP load scenario, which paces its own requests', () => {
    const settings = { seed: 1, outDir: '.', ratePerSecond: 50, thresholds: { latency: ['p(99)<9'] } };
    expect(resolveWorkload(http, settings).pacing).toEqual({ kind: 'closed' });
    expect(resolveLoad(http, settings)).toEqual({
      engine: 'autocannon',
      ratePerSecond: 50,
      thresholds: { checks: ['rate>0.9'], latency: ['p(99)<9'] },
    });
    expect(resolveLoad(http, { ...settings, engine: 'k6' })?.engine).toBe('k6');
    expect(() => resolveLoad(sql, { seed: 1, outDir: '.', engine: 'k6' })).toThrow(/has no HTTP load/);
  });
});
