/**
 * Properties of the mariadb-upsert target on real MariaDB, through the
 * interleaving scheduler: the article's upsert never duplicates an email;
 * select-then-insert does, shrunk to two clients.
 */
import { test } from '@fast-check/vitest';
import { afterAll, expect, it } from 'vitest';
import { ServerPool } from '../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent } from '../harness/testing/components.ts';
import { mariadbUpsert } from '../targets/mariadb-upsert/index.ts';
import { concurrencyCase, formatTrace, runCase } from './concurrency-property.ts';
import { runProperty } from './property-run.ts';
import { expectCaught } from './testing/expect-caught.ts';

const limits = { maxClients: 3, maxOperations: 2, maxKeys: 2 };
const cases = concurrencyCase(limits);

describeWith([await mariadbComponent()], 'mariadb-upsert properties', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  afterAll(() => pool.stopAll());

  test.prop([cases], { numRuns: 10, seed: 5 })(
    'concurrent upserts never duplicate an alternate key',
    async (kase) => {
      const result = await runCase(mariadbUpsert, 'correct', kase, pool);
      expect(result.verdict, formatTrace(result)).toBe('valid');
    },
  );

  it('select-then-insert duplicates one, shrunk to two clients', async () => {
    const found = await runProperty(mariadbUpsert, 'select-then-insert', pool, {
      runs: 30,
      seed: 13,
      limits,
    });
    expectCaught(found, { clients: 2, maxSteps: 6, violation: (v) => /email/.test(v.message) });
  });
});
