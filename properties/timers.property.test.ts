/**
 * Properties of the fk-timers target on real MariaDB, through the
 * interleaving scheduler: with the foreign key no timer outlives its
 * employee; without it, a create and a delete interleave into an orphan.
 */
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { ServerPool } from '../harness/server-pool.ts';
import { describeWith, mariadbComponent } from '../harness/testing/components.ts';
import { fkTimers } from '../targets/fk-timers/index.ts';
import { clientCount, concurrencyCase, formatTrace, runCase } from './concurrency-property.ts';

const cases = concurrencyCase({ maxClients: 3, maxOperations: 3, maxKeys: 2 });

describeWith([await mariadbComponent()], 'fk-timers properties', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  afterAll(() => pool.stopAll());

  test.prop([cases], { numRuns: 10, seed: 3 })('no timer references a missing employee', async (kase) => {
    const result = await runCase(fkTimers, 'correct', kase, pool);
    expect(result.verdict, formatTrace(result)).toBe('valid');
  });

  it('without the foreign key an orphan timer is found, shrunk to two clients', async () => {
    const property = fc.asyncProperty(
      cases,
      async (kase) => (await runCase(fkTimers, 'no-foreign-key', kase, pool)).verdict !== 'invalid',
    );
    const found = await fc.check(property, { numRuns: 60, seed: 17 });
    expect(found.failed).toBe(true);
    const result = await runCase(fkTimers, 'no-foreign-key', found.counterexample![0], pool);
    console.log(
      `no-foreign-key counterexample (replay: fc seed ${found.seed}, path ${found.counterexamplePath}):\n${formatTrace(result)}`,
    );
    expect(result.verdict).toBe('invalid');
    expect(clientCount(result)).toBeLessThanOrEqual(2);
  });
});
