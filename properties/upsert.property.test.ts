/**
 * Properties of the mariadb-upsert target on real MariaDB, through the
 * interleaving scheduler: the article's upsert never duplicates an email;
 * select-then-insert does, shrunk to two clients.
 */
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { ServerPool } from '../harness/server-pool.ts';
import { describeWith, mariadbComponent } from '../harness/testing/components.ts';
import { mariadbUpsert } from '../targets/mariadb-upsert/index.ts';
import {
  clientCount,
  concurrencyCase,
  formatTrace,
  runCase,
  statementCount,
} from './concurrency-property.ts';

const cases = concurrencyCase({ maxClients: 3, maxOperations: 2, maxKeys: 2 });

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
    const property = fc.asyncProperty(
      cases,
      async (kase) => (await runCase(mariadbUpsert, 'select-then-insert', kase, pool)).verdict !== 'invalid',
    );
    const found = await fc.check(property, { numRuns: 30, seed: 13 });
    expect(found.failed).toBe(true);
    const result = await runCase(mariadbUpsert, 'select-then-insert', found.counterexample![0], pool);
    console.log(
      `select-then-insert counterexample (replay: fc seed ${found.seed}, path ${found.counterexamplePath}):\n${formatTrace(result)}`,
    );
    expect(result.verdict).toBe('invalid');
    expect(clientCount(result)).toBe(2);
    expect(statementCount(result)).toBeLessThanOrEqual(6);
    expect(result.checks.flatMap((c) => c.violations).some((v) => /email/.test(v.message))).toBe(true);
  });
});
