import { describe, expect, it } from 'vitest';
import { formatProgress } from './progress.ts';
import { interactive } from './terminal.ts';

describe('progress line', () => {
  it('shows the run, elapsed of total, ops/s, violations so far and the active fault', () => {
    const text = formatProgress(
      {
        scenario: 'stale-version-mutation-faults',
        variant: 'correct',
        elapsedMs: 1500,
        totalMs: 3000,
        operations: 3000,
        activeFaults: ['pause'],
      },
      { index: 2, total: 31, violationsSoFar: 7 },
    );
    expect(text).toBe(
      '[3/31] stale-version-mutation-faults / correct  1.5s/3.0s  2000 ops/s  7 violations so far  fault: pause',
    );
    expect(
      formatProgress(
        { scenario: 's', variant: 'v', elapsedMs: 500, operations: 0, activeFaults: [] },
        { index: 0, total: 1, violationsSoFar: 0 },
      ),
    ).toBe('[1/1] s / v  0.5s  0 ops/s  0 violations so far');
  });

  it('is drawn when interactive() says so: on a terminal only, not with NO_COLOR or CI', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    expect(interactive(tty, {})).toBe(true);
    expect(interactive(tty, { CI: 'true' })).toBe(false);
    expect(interactive(tty, { NO_COLOR: '' })).toBe(false);
    expect(interactive({ isTTY: false } as NodeJS.WriteStream, {})).toBe(false);
  });
});
