/**
 * Properties of the postgres-versioning target on real Postgres, through the
 * interleaving scheduler: the versioned update never loses an update, the
 * blind one does, and fast-check shrinks that to the classic lost update.
 */

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import { afterAll, expect, it, vi } from 'vitest';
import { main } from '../harness/cli/main.ts';
import { ServerPool } from '../harness/providers/server-pool.ts';
import { describeWith, postgresComponent } from '../harness/testing/components.ts';
import { postgresVersioning } from '../targets/postgres-versioning/index.ts';
import { concurrencyCase, formatTrace, runCase } from './concurrency-property.ts';
import { runProperty } from './property-run.ts';
import { expectCaught } from './testing/expect-caught.ts';

const limits = { maxClients: 3, maxOperations: 2, maxKeys: 2 };
const cases = concurrencyCase(limits);

describeWith([await postgresComponent()], 'postgres-versioning properties', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  afterAll(() => pool.stopAll());

  test.prop([cases], { numRuns: 15, seed: 7 })('the versioned update never loses an update', async (kase) => {
    const result = await runCase(postgresVersioning, 'correct', kase, pool);
    expect(result.verdict, formatTrace(result)).toBe('valid');
  });

  it('the blind update loses one, shrunk to two clients and at most six statements, and replays', async () => {
    const found = await runProperty(postgresVersioning, 'blind-update', pool, { runs: 40, seed: 11, limits });
    expectCaught(found, { clients: 2, maxSteps: 6, violation: (v) => /lost update/.test(v.message) });

    // fast-check's seed and path replay exactly this counterexample.
    const replayed = await runProperty(postgresVersioning, 'blind-update', pool, {
      runs: 1,
      seed: found.seed,
      replay: { seed: found.seed, path: found.path! },
      limits,
    });
    expect(replayed.held).toBe(false);
    expect(replayed.counterexample!.case).toEqual(found.counterexample!.case);
  });

  it('`chaos property` finds it, writes the trace, and `--replay SEED:PATH` reproduces the same trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-property-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const args = [
        'property',
        'postgres-versioning',
        '--variant',
        'blind-update',
        '--runs',
        '20',
        '--seed',
        '11',
      ];
      expect(await main([...args, '--out', join(dir, 'found')])).toBe(0); // a broken variant caught
      const record = JSON.parse(readFileSync(join(dir, 'found', 'property.json'), 'utf8'));
      expect(record).toMatchObject({ interrupted: false, finishedAt: expect.any(String) });
      const found = record.results[0];
      expect(found).toMatchObject({ held: false, passed: true });
      expect(
        await main([...args, '--replay', `${found.seed}:${found.path}`, '--out', join(dir, 'replayed')]),
      ).toBe(0);
      const replayed = JSON.parse(readFileSync(join(dir, 'replayed', 'property.json'), 'utf8')).results[0];
      expect(replayed.counterexample.trace).toEqual(found.counterexample.trace);
      expect(readFileSync(join(dir, 'found', 'report.html'), 'utf8')).toContain('"counterexample"');
      expect(await main(['property', 'postgres-versioning', '--replay', 'nonsense'])).toBe(2);
    } finally {
      log.mockRestore();
    }
  });

  it('PCT schedules (--schedule pct) find it too, shrink it and replay it', async () => {
    const options = { runs: 40, seed: 11, limits, strategy: 'pct' as const };
    const found = await runProperty(postgresVersioning, 'blind-update', pool, options);
    expectCaught(found, { clients: 2, violation: (v) => /lost update/.test(v.message) });
    expect(found.counterexample!.case.pct).toBeDefined();
    const replayed = await runProperty(postgresVersioning, 'blind-update', pool, {
      ...options,
      runs: 1,
      replay: { seed: found.seed, path: found.path! },
    });
    expect(replayed.counterexample!.trace).toEqual(found.counterexample!.trace);
    // The correct variant holds under PCT schedules as well.
    const correct = await runProperty(postgresVersioning, 'correct', pool, { ...options, runs: 10 });
    expect(correct).toMatchObject({ held: true, passed: true, strategy: 'pct' });
  });

  it('a connection killed under a client (the fault plan) fails its operation, and nothing is lost', async () => {
    // Client 0's update (its second statement, step 2) finds its connection gone.
    const kase = { seed: 3, operationsPerClient: [1, 1], keys: 1, schedule: [0, 1, 0, 1], kills: [2] };
    const result = await runCase(postgresVersioning, 'correct', kase, pool);
    expect(result.outcome.trace[2]).toMatchObject({
      client: 0,
      result: 'error',
      detail: expect.stringMatching(/killed/),
    });
    // Killed before the statement was sent, so it surely did not happen: a definite failure.
    const killed = result.operations.find((o) => o.worker === 0)!;
    expect(killed.outcome, killed.error).toBe('fail');
    expect(result.operations.find((o) => o.worker === 1)?.outcome).toBe('ok');
    expect(result.verdict, formatTrace(result)).toBe('valid');
  });

  it('the same schedule gives the same outcome, 50 times out of 50', async () => {
    const kase = { seed: 3, operationsPerClient: [2, 2], keys: 1, schedule: [0, 1, 1, 0, 1, 0, 0, 1] };
    const outcomes = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const result = await runCase(postgresVersioning, 'blind-update', kase, pool);
      outcomes.add(
        JSON.stringify({
          trace: result.outcome.trace,
          operations: result.outcome.operations,
          verdict: result.verdict,
        }),
      );
    }
    expect(outcomes.size).toBe(1);
  });
});
