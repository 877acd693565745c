/**
 * The saga invariants as a property: generated numbers of clients and orders
 * (with the target's own repeats and injected step failures), run
 * concurrently on the real services; every sagas finishes, services agree,
 * money and stock are conserved, compensation runs once in reverse.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';
import { runScenario } from '../harness/runner.ts';
import { ServerPool } from '../harness/server-pool.ts';
import { describeWith, postgresComponent } from '../harness/testing/components.ts';
import { saga } from '../targets/saga/index.ts';

describeWith([await postgresComponent()], 'saga properties', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  const outDir = mkdtempSync(join(tmpdir(), 'chaos-saga-property-'));
  afterAll(() => pool.stopAll());

  test.prop(
    [
      fc.record({
        seed: fc.nat(10_000),
        workers: fc.integer({ min: 2, max: 4 }),
        opCount: fc.integer({ min: 6, max: 30 }),
      }),
    ],
    { numRuns: 3, seed: 9 },
  )('concurrent orders keep every saga invariant', async ({ seed, workers, opCount }) => {
    const result = await runScenario(
      {
        name: 'saga-property',
        description: '',
        target: 'saga',
        workload: { workers, opCount, timeoutMs: 10_000 },
      },
      saga,
      'correct',
      pool,
      { seed, outDir },
    );
    expect(result.error).toBeUndefined();
    expect(result.summary.operations).toBe(opCount);
    const violations = result.checks.flatMap((c) => c.violations.map((v) => `${c.checker}: ${v.message}`));
    expect(violations).toEqual([]);
    expect(result.verdict).toBe('valid');
  });
});
