/**
 * The saga invariants as a property: generated numbers of clients and orders
 * (with the target's own repeats and injected step failures), run
 * concurrently on the real services, orchestrator crashes included: every
 * saga finishes, services agree, money and stock are conserved, compensation
 * runs once in reverse. Each broken variant is shown to fail it.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { runEnvironment } from '../harness/cli/environment.ts';
import type { RunResult } from '../harness/core/results.ts';
import { runScenario } from '../harness/core/runner.ts';
import { quotaOf } from '../harness/core/workload.ts';
import { ServerPool } from '../harness/providers/server-pool.ts';
import { describeWith, postgresComponent } from '../harness/testing/components.ts';
import { crashesOrchestrator, ORCHESTRATOR_CRASH_EVERY, saga } from '../targets/saga/index.ts';

describeWith([await postgresComponent()], 'saga properties', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  const outDir = mkdtempSync(join(tmpdir(), 'chaos-saga-property-'));
  afterAll(() => pool.stopAll());

  type Case = { seed: number; workers: number; opCount: number };
  /** Cases long enough that worker 0 crashes the orchestrator at least once, and often enough that steps fail. */
  const crashingCases: fc.Arbitrary<Case> = fc.integer({ min: 2, max: 4 }).chain((workers) =>
    fc.record({
      seed: fc.nat(10_000),
      workers: fc.constant(workers),
      opCount: fc.integer({ min: ORCHESTRATOR_CRASH_EVERY * workers, max: 48 }),
    }),
  );

  const runCase = (variant: string, { seed, workers, opCount }: Case) =>
    runScenario(
      {
        name: 'saga-property',
        description: '',
        target: 'saga',
        workload: { workers, opCount, timeoutMs: 10_000 },
      },
      saga,
      variant,
      runEnvironment(pool),
      { seed, outDir },
    );
  const violationsOf = (result: RunResult) =>
    result.checks.flatMap((c) => c.violations.map((v) => `${c.checker}/${v.invariant}: ${v.message}`));

  test.prop([crashingCases], { numRuns: 3, seed: 9 })(
    'concurrent orders keep every saga invariant',
    async (kase) => {
      const result = await runCase('correct', kase);
      expect(result.error).toBeUndefined();
      expect(result.summary.operations).toBe(kase.opCount);
      // Worker 0 asked for an orchestrator crash mid-run, at its second operation and then once per
      // ORCHESTRATOR_CRASH_EVERY, and it was accepted at least once. A later request may find the
      // orchestrator still restarting: refused before it was sent, it is a fail, never unknown.
      const indexes = Array.from({ length: quotaOf(kase.opCount, kase.workers, 0) }, (_, i) => i);
      const crashes = indexes.filter(crashesOrchestrator).length;
      const requested = result.summary.byOperation.crashOrchestrator;
      expect(requested).toMatchObject({ info: 0 });
      expect(requested!.ok + requested!.fail).toBe(crashes);
      expect(requested!.ok).toBeGreaterThanOrEqual(1);
      expect(violationsOf(result)).toEqual([]);
      expect(result.verdict).toBe('valid');
    },
  );

  // Each broken variant fails the same property on a generated case, and the invariant that catches it is the
  // one its damage breaks. The first failing case is enough: shrinking whole saga runs would cost minutes.
  // (On crashing cases: no-saga-log's damage needs an orchestrator crash.)
  const caughtBy: Record<string, RegExp> = {
    'no-compensation': /^compensated-once-in-reverse\//, // steps executed, none undone
    'non-idempotent': /^services-agree\/one-charge-per-order:/, // a retried charge charged twice
    'no-saga-log': /^sagas-finish\//, // sagas stranded by an orchestrator crash
  };
  for (const [variant, invariant] of Object.entries(caughtBy)) {
    it(`the ${variant} variant breaks it`, async () => {
      let caught: string[] = [];
      const details = await fc.check(
        fc.asyncProperty(crashingCases, async (kase) => {
          caught = [];
          const result = await runCase(variant, kase);
          caught = violationsOf(result);
          return result.verdict === 'valid';
        }),
        { numRuns: 10, seed: 9, endOnFailure: true },
      );
      console.log(
        `${variant}: ${details.failed ? `caught on ${JSON.stringify(details.counterexample)}` : 'NOT caught'}\n  ${caught.join('\n  ')}`,
      );
      expect(details.failed).toBe(true);
      // A verdict, not an exception: fast-check's error for a property that returned false.
      expect(String(details.errorInstance)).toMatch(/Property failed by returning false/);
      expect(
        caught.some((v) => invariant.test(v)),
        caught.join('\n'),
      ).toBe(true);
    });
  }
});
