/**
 * The contention sweep: the article's timing experiment generalised. One
 * scenario is run over a grid of worker counts and per-worker rates, and each
 * point records how often the database refused a mutation (conflict rate),
 * throughput and p99 latency, ready for a plot.
 */

import type { PassResources, RunEnvironment } from './environment.ts';
import type { SweepPoint } from './results.ts';
import type { RunSettings } from './run-settings.ts';
import { runScenario } from './runner.ts';
import type { ScenarioDefinition } from './scenario.ts';
import type { TargetDefinition } from './target.ts';
import { pacingFor } from './workload.ts';

export async function runSweep<Pass extends PassResources>(
  scenario: ScenarioDefinition,
  target: TargetDefinition,
  variant: string,
  environment: RunEnvironment<Pass>,
  settings: RunSettings,
  grid: { workers: number[]; rates: number[] },
  onPoint: (point: SweepPoint) => void = () => {},
): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const workers of grid.workers) {
    for (const rate of grid.rates) {
      if (settings.signal?.aborted) return points;
      const { passes: _passes, ...plain } = scenario;
      const pointScenario: ScenarioDefinition = {
        ...plain,
        name: `${scenario.name}-w${workers}-r${rate}`,
        workload: { ...scenario.workload, workers, pacing: pacingFor(rate, workers) },
      };
      const result = await runScenario(pointScenario, target, variant, environment, { ...settings, workers });
      const point: SweepPoint = {
        workers,
        rate,
        operations: result.summary.operations,
        conflictRate: result.summary.conflictRate,
        throughput: result.summary.throughput,
        p99: result.summary.latency.p99,
        verdict: result.error ? `error: ${result.error}` : result.verdict,
      };
      points.push(point);
      onPoint(point);
    }
  }
  return points;
}
