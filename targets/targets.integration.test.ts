/**
 * Every built-in scenario on real MariaDB and Postgres servers (short ones,
 * and clock skew on last-write-wins, for three seeds): each correct variant must hold and each broken variant
 * must be caught, with violations that name operations.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, type ExpectStatic, expect, it } from 'vitest';
import { runEnvironment } from '../harness/cli/environment.ts';
import { buildRegistry, selectRuns } from '../harness/config/registry.ts';
import { planFaultWindows } from '../harness/core/fault-plan.ts';
import { runScenario } from '../harness/core/runner.ts';
import { ServerPool } from '../harness/providers/server-pool.ts';
import {
  describeWith,
  libfaketimeComponent,
  mariadbComponent,
  postgresComponent,
  toxiproxyComponent,
} from '../harness/testing/components.ts';
import { builtins } from './index.ts';

const SEEDS = [1, 2, 3];
/** Scenarios longer than this run once (on one seed). */
const LONG_SCENARIO_MS = 3000;
/**
 * And for at most this long. Not less: the saga and cross-service mutants take 4 to 7 s to their
 * first proof (`npm run chaos -- --seeds 3`: 5.4 s to 6.6 s on seed 1); capped at 3 s, a loaded CI
 * machine once let two of them through.
 */
const LONG_SCENARIO_CAP_MS = 6000;
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
    durationMs?: number;
  }
  const runs = selectRuns(buildRegistry(builtins, {}), {});
  const cases: Case[] = [];
  for (const seed of SEEDS) {
    for (const { scenario, target, variant } of runs) {
      const broken = target.variants[variant]!.broken;
      // Fault scenarios run at their own length (their schedule needs it), once.
      const withFaults = (scenario.faults ?? []).length > 0;
      // Scenarios that ask for more than a few seconds (services that crash and restart need them) run
      // once, capped; so do multi-pass scenarios (the timing grid: a fixed schedule of paced workers, whatever the seed).
      const long = (scenario.workload.durationMs ?? 0) > LONG_SCENARIO_MS;
      // Except clock skew, which the wall-clock variant must not survive on any seed (nor the clock that mends it fail).
      const skewProof = onlyClockSkew(scenario) && ['lww-wall-clock', 'lww-hlc'].includes(variant);
      if ((withFaults || long || scenario.passes) && !skewProof && seed !== SEEDS[0]) continue;
      // Short scenarios run 800 ms, except those of services over HTTP, whose sagas and projections
      // take a second or more to reach the state that proves a mutant (choreography: 1.3 s median).
      const durationMs = withFaults
        ? undefined
        : long
          ? Math.min(scenario.workload.durationMs!, LONG_SCENARIO_CAP_MS)
          : target.http
            ? undefined
            : 800;
      cases.push({
        name: `seed ${seed}: ${scenario.name} / ${variant} is ${broken ? 'caught' : 'valid'}`,
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
    { scenario, target, variant, seed, broken, withFaults, durationMs }: Case,
    expect: ExpectStatic,
  ) {
    const result = await runScenario(scenario, target, variant, runEnvironment(pool), {
      seed,
      outDir,
      timeScale: 0.05,
      ...(durationMs ? { durationMs } : {}),
    });
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
