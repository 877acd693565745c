/**
 * Bounded proofs on real servers: every interleaving of 2 clients x 2
 * operations, each on a fresh database. The correct variants hold on all of
 * them, the broken ones fail on a counted share, the pruning loses no
 * outcome, and the first failing interleaving replays as a listed schedule.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { main } from '../harness/cli/main.ts';
import { ServerPool } from '../harness/providers/server-pool.ts';
import { describeWith, mariadbComponent, postgresComponent } from '../harness/testing/components.ts';
import { fkTimers } from '../targets/fk-timers/index.ts';
import { mariadbUpsert } from '../targets/mariadb-upsert/index.ts';
import { postgresVersioning } from '../targets/postgres-versioning/index.ts';
import { type CaseResult, runCase } from './concurrency-property.ts';
import { type ExhaustiveScope, exhaustiveAsProperty, exploreInterleavings } from './exhaustive.ts';

const pool = new ServerPool({ preference: 'auto', urls: {} });
afterAll(() => pool.stopAll());

const scope = (seed: number): ExhaustiveScope => ({
  clients: 2,
  operations: 2,
  keys: 1,
  seed,
  maxInterleavings: 5000,
});

/** What a run ended in: each operation's outcome and result (the database's answers). */
const outcomeOf = (run: CaseResult) =>
  JSON.stringify(run.operations.map((o) => [o.worker, o.op, o.outcome, o.value ?? o.error ?? null]));

describeWith([await postgresComponent()], 'exhaustive interleavings on Postgres', () => {
  it('postgres-versioning: the correct variant holds on every interleaving; blind-update fails on a share, with or without pruning', async () => {
    const correct = await exploreInterleavings(postgresVersioning, 'correct', pool, scope(1));
    expect(correct).toMatchObject({ complete: true, failing: 0, unknown: 0, passed: true });
    expect(correct.interleavings).toBeGreaterThan(10);

    const outcomes = { pruned: new Set<string>(), all: new Set<string>() };
    const blind = await exploreInterleavings(postgresVersioning, 'blind-update', pool, scope(1), (run) =>
      outcomes.pruned.add(outcomeOf(run)),
    );
    expect(blind).toMatchObject({ complete: true, passed: true });
    expect(blind.failing).toBeGreaterThan(0);
    // Running each client's operations one after the other loses nothing: not every interleaving breaks it.
    expect(blind.failing).toBeLessThan(blind.interleavings);
    const failure = blind.firstFailure!;
    expect(failure.run.checks.flatMap((c) => c.violations.map((v) => v.message)).join('\n')).toMatch(
      /lost update/,
    );

    // Without pruning: each client reads then updates, twice, so 8!/(4!4!) = 70 orders. The pruned
    // search ran fewer and lost no outcome (no combination of answers the database gave).
    const all = await exploreInterleavings(
      postgresVersioning,
      'blind-update',
      pool,
      { ...scope(1), prune: false },
      (run) => outcomes.all.add(outcomeOf(run)),
    );
    expect(all).toMatchObject({ interleavings: 70, prunedChoices: 0, redundantRuns: 0, complete: true });
    expect(blind.interleavings).toBeLessThan(all.interleavings);
    expect(blind.prunedChoices).toBeGreaterThan(0);
    expect([...outcomes.pruned].sort()).toEqual([...outcomes.all].sort());

    // The failing interleaving's choices, as a listed schedule, replay it.
    const reported = exhaustiveAsProperty(blind);
    const replayed = await runCase(postgresVersioning, 'blind-update', reported.counterexample!.case, pool);
    expect(replayed.verdict).toBe('invalid');
    expect(replayed.outcome.trace.map((s) => s.client)).toEqual(failure.choices);
  });

  it('stops at the bound and says so', async () => {
    const bounded = await exploreInterleavings(postgresVersioning, 'correct', pool, {
      ...scope(1),
      maxInterleavings: 5,
    });
    expect(bounded).toMatchObject({ interleavings: 5, complete: false });
    expect(exhaustiveAsProperty(bounded).exhaustive).toMatch(/stopped at the bound of 5 interleavings/);
  });

  it('`chaos property --exhaustive` prints the count, writes property.json, and exits 1 on a broken variant that holds nowhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-exhaustive-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const args = ['property', 'postgres-versioning', '--exhaustive', '--seed', '1'];
      expect(await main([...args, '--out', join(dir, 'both')])).toBe(0);
      const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(printed).toMatch(
        /correct: all \d+ interleavings hold \(2 clients x 1 operation, 1 key, seed 1;/,
      );
      expect(printed).toMatch(/blind-update: \d+ of \d+ interleavings break it/);
      expect(printed).toMatch(/first failing interleaving:\n\s+1\. client \d op 0: (SELECT|UPDATE)/);
      const record = JSON.parse(readFileSync(join(dir, 'both', 'property.json'), 'utf8'));
      expect(record.results.map((r: { variant: string; passed: boolean }) => [r.variant, r.passed])).toEqual([
        ['correct', true],
        ['blind-update', true],
      ]);
      // One client alone cannot lose an update: the broken variant holds on every interleaving, which fails the run.
      const alone = ['property', 'postgres-versioning', '--exhaustive', '--clients', '1', '--ops', '2'];
      expect(await main([...alone, '--variant', 'blind-update', '--out', join(dir, 'alone')])).toBe(1);
      expect(log.mock.calls.at(-2)?.[0]).toMatch(/blind-update: all 1 interleaving holds .* MISSED/);
    } finally {
      log.mockRestore();
    }
  });
});

describeWith([await mariadbComponent()], 'exhaustive interleavings on MariaDB', () => {
  it('mariadb-upsert: the upsert holds on every interleaving, select-then-insert fails on a share', async () => {
    const correct = await exploreInterleavings(mariadbUpsert, 'correct', pool, scope(1));
    expect(correct).toMatchObject({ complete: true, failing: 0, passed: true });
    const broken = await exploreInterleavings(mariadbUpsert, 'select-then-insert', pool, scope(1));
    expect(broken).toMatchObject({ complete: true, passed: true });
    expect(broken.failing).toBeGreaterThan(0);
    expect(broken.failing).toBeLessThan(broken.interleavings);
  });

  it('fk-timers: the foreign key holds on every interleaving of a delete and a timer, its absence fails', async () => {
    // Seed 5 plans a delete of the employee beside a timer for it.
    const correct = await exploreInterleavings(fkTimers, 'correct', pool, scope(5));
    expect(correct).toMatchObject({ complete: true, failing: 0, passed: true });
    const broken = await exploreInterleavings(fkTimers, 'no-foreign-key', pool, scope(5));
    expect(broken).toMatchObject({ complete: true, passed: true });
    expect(broken.failing).toBeGreaterThan(0);
  });
});
