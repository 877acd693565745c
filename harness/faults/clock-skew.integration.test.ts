/**
 * The clock-skew fault on a real process: a service the harness starts on the
 * skewable clock sees its wall clock jump by the skew during the window and
 * come back after it; a process not started on it keeps real time; a skew
 * that reaches no process fails instead of passing as done.
 */
import { spawn } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import type { FaultWindow } from '../core/fault-plan.ts';
import { startService } from '../providers/service.ts';
import { createSkewableClock } from '../providers/skewable-clock.ts';
import { describeWith, libfaketimeComponent } from '../testing/components.ts';
import { faultActions } from './nemesis.ts';

/** A service that answers with its own wall clock. */
const CLOCK_SERVICE = `require('node:http').createServer((q, r) => r.end(String(Date.now()))).listen(Number(process.env.PORT), '127.0.0.1')`;

const window = (skewMs: number): FaultWindow => ({
  fault: 0,
  kind: 'clock-skew',
  label: `clock-skew:${skewMs}ms`,
  startMs: 0,
  endMs: 1000,
  spec: { kind: 'clock-skew', skewMs },
});

/** How far the service's clock is from ours (the request's own time is well under the 1 s tolerance used). */
async function offsetOf(url: string): Promise<number> {
  const before = Date.now();
  const theirs = Number(await (await fetch(url)).text());
  return theirs - before;
}

describeWith([await libfaketimeComponent()], 'clock-skew fault', () => {
  const clock = createSkewableClock();
  afterAll(() => clock.dispose());

  it('shifts the clock of the service started on it during the window, and only for the window', async () => {
    const service = await startService(
      { command: process.execPath, args: ['-e', CLOCK_SERVICE] },
      { target: 'clock-test', variant: 'correct', clockEnv: clock.env },
    );
    // A bystander started without the clock's environment: the fault must not reach it.
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const env = { clock };
      expect(Math.abs(await offsetOf(service.url))).toBeLessThan(1000);
      const detail = await faultActions['clock-skew'].start(env, window(-5000));
      expect(detail).toEqual({ skewMs: -5000, processes: 1 });
      expect(clock.processesReading()).not.toContain(bystander.pid);
      const skewed = await offsetOf(service.url);
      expect(skewed).toBeLessThan(-4000);
      expect(skewed).toBeGreaterThan(-6000);
      await faultActions['clock-skew'].stop(env, window(-5000));
      expect(Math.abs(await offsetOf(service.url))).toBeLessThan(1000);
    } finally {
      bystander.kill('SIGKILL');
      await service.stop();
    }
  });

  it('fails when no process reads the clock, or the pass has none', async () => {
    await expect(faultActions['clock-skew'].start({ clock }, window(3000))).rejects.toThrow(
      /reached no process/,
    );
    await expect(faultActions['clock-skew'].start({}, window(3000))).rejects.toThrow(/no skewable clock/);
  });
});
