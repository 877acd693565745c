// A service not written in TypeScript, started by the harness and faulted: the correct mode holds,
// the read-modify-write mode is caught by an exported checker, and every fault reached the service.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/vitest.ts';
import config from './chaos.config.ts';

describe('a Python service as a target', () => {
  it('holds in compare-and-set mode while crashed, paused and slowed, and every fault reached it', async () => {
    const results = await runScenario(config, {
      scenario: 'python-deposits-faults',
      variant: 'compare-and-set',
    });
    expect(results).toHold();
    const [run] = results.runs;
    expect(run!.summary.counts.ok).toBeGreaterThan(10);
    expect(run!.faultWindows.map((w) => w.fault)).toEqual(['crash', 'pause', 'network:latency']);
    expect(run!.faultWindows.filter((w) => w.reachedNothing)).toEqual([]);
    // A crash and a pause of the service itself leave calls whose outcome is unknown.
    expect(run!.faultWindows[0]!.counts.info + run!.faultWindows[1]!.counts.info).toBeGreaterThan(0);
  });

  it('catches the lost deposits of read-modify-write mode', async () => {
    const results = await runScenario(config, { scenario: 'python-deposits', variant: 'read-modify-write' });
    expect(results).toBeCaught();
    expect(results.runs[0]!.checks.find((c) => c.verdict === 'invalid')!.checker).toBe('no-lost-update');
  });
});
