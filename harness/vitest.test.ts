/** The package's vitest matchers, on hand-made results (no database). */
import { describe, expect, it } from 'vitest';
import { fakeRun, fakeSuite } from '../reports/testing/fake-results.ts';
import type { ScenarioRun } from './index.ts';
import './vitest.ts';

/** The message a failed assertion throws. */
function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the assertion passed');
}

const held = fakeRun();
const caught = fakeRun({ broken: true, violations: 7 });

describe('toHold and toBeCaught', () => {
  it('pass on a run that held and a run that was caught, and on a suite of them', () => {
    expect(held).toHold();
    expect(caught).toBeCaught();
    expect(fakeSuite([held, fakeRun({ seed: 2 })])).toHold();
    expect(held).not.toBeCaught();
    expect(caught).not.toHold();
  });

  it('a run that did not hold: its checker, each violation and the ids of the operations that prove it', () => {
    const message = failure(() => expect(caught).toHold());
    expect(message).toContain('expected stale-version-mutation / blind-update to hold, but it did not:');
    expect(message).toContain('verdict invalid over 100 operations (ok 90, fail 10, info 0), seed 1');
    expect(message).toContain('checkers: no-lost-update invalid');
    expect(message).toContain('  no-lost-update: read-before-write: lost update 0\n    operations #0, #1');
    expect(message).toContain('  no-lost-update: read-before-write: lost update 4\n    operations #4, #5');
    expect(message).not.toContain('lost update 5');
    expect(message).toContain('... and 2 more violations');
  });

  it("lists runScenario's proofs: each proving operation as the history recorded it", () => {
    const run: ScenarioRun = {
      ...caught,
      proofs: [
        {
          checker: 'no-lost-update',
          invariant: 'read-before-write',
          message: '#3 overwrote #4',
          operations: [
            {
              id: 3,
              worker: 1,
              op: 'mutate',
              outcome: 'ok',
              invokedAt: 1.5,
              completedAt: 2.25,
              args: '{"key":0}',
              result: '{"version":4}',
            },
          ],
        },
      ],
    };
    const message = failure(() => expect({ ...fakeSuite([run]), runs: [run] }).toHold());
    expect(message).toContain(
      '  no-lost-update: read-before-write: #3 overwrote #4\n    #3 worker 1 mutate({"key":0}) -> ok {"version":4} (1.5-2.25 ms)',
    );
    expect(message).toContain('replay: npm run chaos -- --seed 1');
  });

  it('a broken variant not caught: its verdict, figures and checkers; only the runs that missed are named', () => {
    const missed = fakeRun({ broken: true, variant: 'blind-update', verdict: 'valid' });
    const message = failure(() =>
      expect(fakeSuite([caught, missed, { ...missed, variant: 'other' }])).toBeCaught(),
    );
    expect(message).toMatch(
      /^expected stale-version-mutation \/ blind-update, stale-version-mutation \/ other to be caught, but they did not:\n/,
    );
    expect(message).toContain('stale-version-mutation / blind-update: verdict valid over 100 operations');
    expect(message).toContain('checkers: no-lost-update valid');
  });

  it('an unknown verdict or an error is neither held nor caught, and says why', () => {
    const unknown = fakeRun({
      verdict: 'unknown',
      checks: [{ checker: 'no-lost-update', verdict: 'unknown', violations: [], reason: 'all info' }],
    });
    expect(failure(() => expect(unknown).toHold())).toContain('no-lost-update: unknown (all info)');
    expect(failure(() => expect(unknown).toBeCaught())).toContain('verdict unknown');
    const errored = fakeRun({ error: 'database setup failed' });
    expect(failure(() => expect(errored).toHold())).toContain('error: database setup failed');
  });

  it('negated: says what held', () => {
    expect(failure(() => expect(held).not.toHold())).toContain(
      'expected stale-version-mutation / correct not to hold, but it did:',
    );
  });

  it('refuses what is not results', () => {
    expect(failure(() => expect({ answer: 42 }).toHold())).toMatch(
      /expected runScenario's results .* got object/,
    );
    expect(failure(() => expect(fakeSuite([])).not.toBeCaught())).toMatch(/got no run/);
  });
});
