// A user's own vitest test of their target, run on a real Postgres. In a project of yours, import from
// 'concurrency-chaos-harness' and 'concurrency-chaos-harness/vitest' instead of the files here.
import { expect, it } from 'vitest';
import { chaosTest, runScenario } from '../harness/vitest.ts';
import config from './chaos.config.ts';

it('the correct variant keeps every deposit', async () => {
  const results = await runScenario(config, {
    scenario: 'concurrent-deposits',
    variant: 'correct',
    durationMs: 500,
  });
  // On a failure, the message lists each violation with the operations that prove it.
  expect(results).toHold();
});

// Runs the scenario and judges each variant as the CLI does: a correct one must hold, a broken one be caught.
chaosTest('read-modify-write loses deposits, and is caught', config, {
  scenario: 'concurrent-deposits',
  variant: 'read-modify-write',
  durationMs: 500,
});
