/**
 * Runs one scenario against one variant of its target and judges it: one
 * pass (a pass series: one per pass) on fresh databases from the
 * environment handed in, then the verdict, figures and thresholds.
 * Data flows one way: environment -> workload -> history -> checkers -> result.
 */
import { join } from 'node:path';
import { combineVerdicts, unknownResult, type Verdict } from './check.ts';
import type { PassResources, RunEnvironment } from './environment.ts';
import { EnvironmentError, UsageError } from './errors.ts';
import { planFaultWindows } from './fault-plan.ts';
import { summarizeFaultWindows } from './fault-windows.ts';
import { safeFileName } from './file-names.ts';
import type { Operation } from './history.ts';
import { errorMessage } from './outcomes.ts';
import { redact } from './redact.ts';
import type { RunResult } from './results.ts';
import { type PassPlan, runPass, type SingleRun } from './run-pass.ts';
import { type RunSettings, resolveLoad, resolveWorkload, timeoutOf } from './run-settings.ts';
import { evaluateRunThresholds } from './run-thresholds.ts';
import type { ScenarioDefinition } from './scenario.ts';
import { summarize } from './stats.ts';
import type { TargetDefinition } from './target.ts';
import type { WorkloadSpec } from './workload.ts';

/**
 * When the first violation was proven (ms into the run): a violation is proven
 * once the last of its operations has completed; one naming no operation (the
 * final state's) at the end of the run.
 */
export function firstEvidence(runs: Pick<SingleRun, 'checks' | 'operations'>[]): number | undefined {
  let first: number | undefined;
  for (const run of runs) {
    const violations = run.checks.flatMap((c) => c.violations);
    if (violations.length === 0) continue;
    const completedAt = new Map(run.operations.map((o) => [o.id, o.completedAt]));
    const end = run.operations.reduce((t, o) => Math.max(t, o.completedAt), 0);
    // Proven when the last operation a case names completed (the end, if it names none).
    const provenAt = (ids: readonly number[]) => {
      const times = ids.map((id) => completedAt.get(id)).filter((t): t is number => t !== undefined);
      return times.length > 0 ? Math.max(...times) : end;
    };
    for (const v of violations) {
      const at = v.cases?.length ? Math.min(...v.cases.map(provenAt)) : provenAt(v.operations);
      first = first === undefined ? at : Math.min(first, at);
    }
  }
  return first;
}

/**
 * Why a run's history proves nothing, when it does: no operation recorded
 * (interrupted before its first, a pass series with no pass run), none with
 * a known outcome (every call threw or timed out), or, for a variant that
 * must hold, none that succeeded (a correct system that refuses every call
 * holds its invariants trivially). k6, outside the process, records no
 * history (autocannon does), so its runs are judged by their load.
 */
export function whyNothingIsProven(
  operations: readonly Operation[],
  runs: readonly Pick<SingleRun, 'load'>[],
  mustHold: boolean,
): string | undefined {
  if (runs.some((r) => r.load?.engine === 'k6')) return undefined;
  if (operations.length === 0) return 'no operation was recorded: the run tested nothing';
  if (operations.every((o) => o.outcome === 'info'))
    return `all ${operations.length} operations had an unknown outcome (info): the run proved nothing; first: ${operations[0]!.error ?? '?'}`;
  if (mustHold && !operations.some((o) => o.outcome === 'ok')) {
    const failed = operations.filter((o) => o.outcome === 'fail');
    return `no operation succeeded (0 ok, ${failed.length} fail, ${operations.length - failed.length} info): the run proved nothing; first failure: ${failed[0]?.error ?? '?'}`;
  }
  return undefined;
}

export async function runScenario<Pass extends PassResources>(
  scenario: ScenarioDefinition,
  target: TargetDefinition,
  variant: string,
  environment: RunEnvironment<Pass>,
  settings: RunSettings,
): Promise<RunResult> {
  const startedAt = Date.now();
  const info = target.variants[variant]!;
  const baseSpec = resolveWorkload(scenario, settings);
  const fileFor = (suffix = '') =>
    join(settings.outDir, 'histories', `${safeFileName(`${scenario.name}--${variant}${suffix}`)}.ndjson`);
  const timeoutMs = timeoutOf(scenario, settings);
  const faults = scenario.faults ?? [];
  if (faults.length > 0 && baseSpec.durationMs === undefined) {
    throw new UsageError(
      `scenario ${scenario.name}: faults need a duration to be scheduled in (it has an operation count)`,
    );
  }
  const load = resolveLoad(scenario, settings);
  const plan = (spec: WorkloadSpec, historyFile: string): PassPlan => ({
    scenario: scenario.name,
    target,
    variant,
    spec,
    timeoutMs,
    windows: planFaultWindows(faults, spec.durationMs ?? 0, settings.seed),
    historyFile,
    signal: settings.signal,
    onProgress: settings.onProgress
      ? (p) => settings.onProgress!({ scenario: scenario.name, variant, ...p })
      : undefined,
    ...(load
      ? {
          load: {
            options: load,
            scenario: scenario.name,
            outDir: join(settings.outDir, 'load', safeFileName(`${scenario.name}--${variant}`)),
            segments: settings.segments ?? 1,
            correctCoordinatedOmission: settings.correctCoordinatedOmission ?? true,
          },
        }
      : {}),
  });

  const runs: SingleRun[] = [];
  const specs: WorkloadSpec[] = [];
  let error: string | undefined;
  try {
    if (scenario.passes) {
      for (const pass of scenario.passes.passes(baseSpec, settings)) {
        if (settings.signal?.aborted) break;
        runs.push(await runPass(plan(pass.spec, fileFor(`--${pass.label}`)), environment));
        specs.push(pass.spec);
      }
    } else {
      runs.push(await runPass(plan(baseSpec, fileFor()), environment));
    }
  } catch (caught) {
    // A missing component or a bad scenario ends the whole suite (with its own exit code);
    // anything else is this run's error.
    if (caught instanceof EnvironmentError || caught instanceof UsageError) throw caught;
    error = redact(errorMessage(caught));
  }

  const operations = runs.flatMap((r) => r.operations);
  const checks = runs.flatMap((r) => r.checks);
  const series = scenario.passes?.judge(
    runs.map((run, i) => ({ spec: specs[i]!, operations: run.operations })),
    info.broken,
  );
  if (series) checks.push(...series.checks);
  const nothingProven = error ? undefined : whyNothingIsProven(operations, runs, !info.broken);
  if (nothingProven) checks.push(unknownResult('history', nothingProven));
  const expected: Verdict = info.broken ? 'invalid' : 'valid';
  const verdict: Verdict = error ? 'unknown' : combineVerdicts(checks);
  const { seed: _seed, ...workload } = baseSpec;
  const result: RunResult = {
    scenario: scenario.name,
    target: target.name,
    variant,
    broken: info.broken,
    expected,
    verdict,
    passed: verdict === expected,
    seed: settings.seed,
    workload,
    summary: summarize(operations, {
      correctCoordinatedOmission: settings.correctCoordinatedOmission ?? true,
    }),
    checks,
    faultWindows: runs.flatMap((r) => summarizeFaultWindows(r.faults, r.operations, r.checks)),
    historyFiles: runs.map((r) => r.historyFile),
    durationMs: Date.now() - startedAt,
    interrupted: settings.signal?.aborted ?? false,
  };
  const detectedAtMs = firstEvidence(runs);
  if (detectedAtMs !== undefined) result.detectedAtMs = detectedAtMs;
  if (series?.timingGrid) result.timingGrid = series.timingGrid;
  const loadResult = runs.find((r) => r.load)?.load;
  if (loadResult) result.load = loadResult;
  if (settings.runThresholds) {
    const judged = evaluateRunThresholds(settings.runThresholds, {
      scenario: scenario.name,
      variant,
      broken: info.broken,
      operations,
      checks,
      correctCoordinatedOmission: settings.correctCoordinatedOmission ?? true,
      summary: result.summary,
    });
    if (judged.length > 0) result.thresholds = judged;
  }
  if (error) result.error = error;
  return result;
}
