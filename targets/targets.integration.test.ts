/**
 * Every built-in scenario on real MariaDB and Postgres servers: each correct
 * variant must hold and each broken variant must be caught, with violations
 * that name operations. The short scenarios of the SQL targets run on five
 * seeds, and their detection matrix is asserted: every mutant caught on every
 * seed within a second (median), no false alarm. So does clock skew on
 * last-write-wins, on three. The rest (services over HTTP, fault schedules,
 * timed passes) cost seconds of set-up a run and run on one seed; `npm run
 * chaos -- --seeds N` sweeps them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, type ExpectStatic, expect, it } from 'vitest';
import { runEnvironment } from '../harness/cli/environment.ts';
import { buildRegistry, selectRuns } from '../harness/config/registry.ts';
import { detectionMatrix } from '../harness/core/detection.ts';
import { planFaultWindows } from '../harness/core/fault-plan.ts';
import type { RunResult } from '../harness/core/results.ts';
import { runScenario } from '../harness/core/runner.ts';
import { ServerPool } from '../harness/providers/server-pool.ts';
import {
  describeWith,
  libfaketimeComponent,
  mariadbComponent,
  postgresComponent,
  toxiproxyComponent,
} from '../harness/testing/components.ts';
import { inDetectionMatrix, sweepRunMs } from './detection-suite.ts';
import { builtins } from './index.ts';

/** The seeds of the detection matrix: short scenarios of the SQL targets. */
const SEEDS = [1, 2, 3, 4, 5];
/** Clock skew on last-write-wins: the wall-clock variant must not survive any of these. */
const SKEW_SEEDS = [1, 2, 3];
/** Median time to first proof a broken variant of the matrix must beat (issue #25's goal). */
const FIRST_PROOF_GOAL_MS = 1000;
const components = [
  await mariadbComponent(),
  await postgresComponent(),
  await toxiproxyComponent(),
  await libfaketimeComponent(),
];

/** A clock skew reaches only the processes of its own pass, never a shared server. */
const onlyClockSkew = (scenario: { faults?: { kind: string }[] }) =>
  (scenario.faults ?? []).length > 0 && scenario.faults!.every((f) => f.kind === 'clock-skew');

describeWith(components, 'article scenarios on real databases', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  const outDir = mkdtempSync(join(tmpdir(), 'targets-it-'));
  afterAll(() => pool.stopAll());

  interface Case {
    name: string;
    scenario: (typeof runs)[number]['scenario'];
    target: (typeof runs)[number]['target'];
    variant: string;
    seed: number;
    broken: boolean;
    withFaults: boolean;
    inMatrix: boolean;
    durationMs?: number;
  }
  /** Each finished run of the matrix's scenarios, for the matrix. */
  const matrixRuns: RunResult[] = [];
  const runs = selectRuns(buildRegistry(builtins, {}), {});
  const cases: Case[] = [];
  for (const seed of SEEDS) {
    for (const { scenario, target, variant } of runs) {
      const broken = target.variants[variant]!.broken;
      // Fault scenarios run at their own length (their schedule needs it).
      const withFaults = (scenario.faults ?? []).length > 0;
      const inMatrix = inDetectionMatrix(scenario, target);
      // Clock skew, which the wall-clock variant must not survive on any seed (nor the clock that mends it fail).
      const skewProof = onlyClockSkew(scenario) && ['lww-wall-clock', 'lww-hlc'].includes(variant);
      const seeds = inMatrix ? SEEDS : skewProof ? SKEW_SEEDS : [SEEDS[0]];
      if (!seeds.includes(seed)) continue;
      const durationMs = sweepRunMs(scenario, target);
      cases.push({
        name: `seed ${seed}: ${scenario.name} / ${variant} is ${broken ? 'caught' : 'valid'}`,
        inMatrix,
        scenario,
        target,
        variant,
        seed,
        broken,
        withFaults,
        ...(durationMs ? { durationMs } : {}),
      });
    }
  }

  async function check(
    { scenario, target, variant, seed, broken, withFaults, inMatrix, durationMs }: Case,
    expect: ExpectStatic,
  ) {
    const result = await runScenario(scenario, target, variant, runEnvironment(pool), {
      seed,
      outDir,
      timeScale: 0.05,
      ...(durationMs ? { durationMs } : {}),
    });
    if (inMatrix) matrixRuns.push(result);
    expect(result.error).toBeUndefined();
    expect(result.summary.operations).toBeGreaterThan(0);
    // On a wrong verdict, say what the checkers found (or why they could not judge).
    const findings = result.checks
      .map(
        (c) =>
          `${c.checker} ${c.verdict}: ${c.violations.map((v) => v.message).join('; ') || c.reason || ''}`,
      )
      .join('\n');
    expect(result.verdict, findings).toBe(broken ? 'invalid' : 'valid');
    expect(result.passed).toBe(true);
    if (broken) {
      const violations = result.checks
        .flatMap((c) => c.violations)
        .filter((v) => v.invariant !== 'article-timing');
      expect(violations.length).toBeGreaterThan(0);
      expect(violations[0]!.operations.length).toBeGreaterThan(0);
    }
    if (withFaults) {
      // Every scheduled window happened and was healed.
      const planned = planFaultWindows(scenario.faults!, scenario.workload.durationMs!, seed);
      expect(result.faultWindows.map((w) => w.fault)).toEqual(planned.map((w) => w.label));
      for (const w of result.faultWindows) expect(w.stoppedAt).toBeGreaterThan(w.startedAt);
      // A window that reached nothing (a skew no process read, a pause of no server) proved nothing.
      // kill-query is exempt: with millisecond statements, a window may find none running.
      const missed = result.faultWindows.filter((w) => w.reachedNothing && !w.fault.startsWith('kill-query'));
      expect(missed.map((w) => `${w.fault}: ${w.reachedNothing}`)).toEqual([]);
    }
    if (result.timingGrid && !broken) {
      // The article: rate 2s / offset 1s never collides; rate 1s / offset 1s does.
      const [apart, together] = result.timingGrid;
      expect(apart!.failuresByWorker.reduce((a, b) => a + b, 0)).toBe(0);
      expect(together!.failuresByWorker.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
  }

  // Runs that fault the shared servers, time them (the timing grid, the saga's deadline under a paused
  // service) or measure load run alone.
  const alone = (c: Case) =>
    (c.withFaults && !onlyClockSkew(c.scenario)) ||
    c.scenario.passes !== undefined ||
    c.scenario.load !== undefined ||
    c.scenario.target === 'saga-timeouts';
  for (const c of cases.filter(alone)) it(c.name, () => check(c, expect));
  // The rest share the machine two at a time (vitest.config.ts: maxConcurrency): much of a run is
  // waiting (for servers, services, the workload's clock), and each target has its own databases.
  describe.concurrent('two at a time', () => {
    for (const c of cases.filter((c) => !alone(c))) it(c.name, ({ expect }) => check(c, expect));
  });

  it(`the detection matrix over ${SEEDS.length} seeds: every mutant caught on each, within ${FIRST_PROOF_GOAL_MS} ms (median), no false alarm`, () => {
    const matrix = detectionMatrix(matrixRuns);
    expect(new Set(matrix.map((row) => row.scenario)).size).toBeGreaterThanOrEqual(8);
    for (const row of matrix) {
      const name = `${row.scenario} / ${row.variant}`;
      expect(
        [...row.seeds].sort((a, b) => a - b),
        name,
      ).toEqual(SEEDS);
      expect({ name, missed: row.missed, falseAlarms: row.falseAlarms }).toEqual({
        name,
        missed: [],
        falseAlarms: [],
      });
      if (row.broken) expect(row.firstProofMs!.median, name).toBeLessThan(FIRST_PROOF_GOAL_MS);
    }
  });

  it('a run interrupted before its first operation tested nothing: unknown, never valid', async () => {
    const registry = buildRegistry(builtins, {});
    // saga-orders-load drives autocannon, a load engine that records its requests in the history.
    for (const name of ['stale-version-mutation', 'timing-grid', 'saga-orders-load']) {
      const scenario = registry.scenarios.get(name)!;
      const result = await runScenario(
        scenario,
        registry.targets.get(scenario.target)!,
        'correct',
        runEnvironment(pool),
        {
          seed: 1,
          outDir,
          timeScale: 0.05,
          signal: AbortSignal.abort(),
        },
      );
      expect(result.summary.operations).toBe(0);
      expect(result.verdict).toBe('unknown');
      expect(result.passed).toBe(false);
      expect(result.checks.find((c) => c.checker === 'history')?.reason).toMatch(/tested nothing/);
    }
  });
});
