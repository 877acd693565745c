/**
 * Properties of the fk-timers target on real MariaDB, through the
 * interleaving scheduler: with the foreign key no timer outlives its
 * employee; without it, a create and a delete interleave into an orphan.
 */
import { test } from '@fast-check/vitest';
import { afterAll, expect, it } from 'vitest';
import { ServerPool } from '../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent } from '../harness/testing/components.ts';
import { fkTimers } from '../targets/fk-timers/index.ts';
import { concurrencyCase, formatTrace, runCase } from './concurrency-property.ts';
import { runProperty } from './property-run.ts';
import { expectCaught } from './testing/expect-caught.ts';

const limits = { maxClients: 3, maxOperations: 3, maxKeys: 2 };
const cases = concurrencyCase(limits);

describeWith([await mariadbComponent()], 'fk-timers properties', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  afterAll(() => pool.stopAll());

  test.prop([cases], { numRuns: 10, seed: 3 })('no timer references a missing employee', async (kase) => {
    const result = await runCase(fkTimers, 'correct', kase, pool);
    expect(result.verdict, formatTrace(result)).toBe('valid');
  });

  it('without the foreign key an orphan timer is found, shrunk to two clients', async () => {
    const found = await runProperty(fkTimers, 'no-foreign-key', pool, { runs: 60, seed: 17, limits });
    expectCaught(found, { clients: { atMost: 2 }, violation: (v) => v.invariant === 'no-orphan-timer' });
  });
});
