/**
 * The detection matrix over twenty seeds (issue #25): every scenario of the
 * SQL targets without faults (targets/detection-suite.ts), each run as long as
 * in the targets test, once per seed. Goals: every broken variant caught on
 * every seed, no false alarm, median time to first proof under a second.
 * BENCH_DETECTION_SEEDS sets the number of seeds; BENCH_DETECTION=all sweeps
 * every scenario (services, fault schedules: about five minutes a seed here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEnvironment } from '../../harness/cli/environment.ts';
import { buildRegistry, selectRuns } from '../../harness/config/registry.ts';
import { detectionMatrix } from '../../harness/core/detection.ts';
import type { RunResult } from '../../harness/core/results.ts';
import { runScenario } from '../../harness/core/runner.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { chooseStyle, formatDetection } from '../../reports/terminal.ts';
import { inDetectionMatrix, sweepRunMs } from '../../targets/detection-suite.ts';
import { builtins } from '../../targets/index.ts';
import type { BenchResult } from './table.ts';

const FIRST_PROOF_GOAL_MS = 1000;

export async function detectionOverSeeds(
  pool: ServerPool,
  { seeds, everyScenario }: { seeds: number; everyScenario: boolean },
): Promise<BenchResult[]> {
  const planned = selectRuns(buildRegistry(builtins, {}), {}).filter(
    ({ scenario, target }) => everyScenario || inDetectionMatrix(scenario, target),
  );
  const outDir = mkdtempSync(join(tmpdir(), 'chaos-bench-detection-'));
  const runs: RunResult[] = [];
  try {
    for (let seed = 1; seed <= seeds; seed++) {
      for (const { scenario, target, variant } of planned) {
        const durationMs = sweepRunMs(scenario, target);
        runs.push(
          await runScenario(scenario, target, variant, runEnvironment(pool), {
            seed,
            outDir,
            timeScale: 0.05,
            ...(durationMs ? { durationMs } : {}),
          }),
        );
      }
      console.log(`  seed ${seed} of ${seeds}: ${planned.length} runs`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true }); // the histories: the matrix is all the bench keeps
  }
  const rows = detectionMatrix(runs);
  console.log(formatDetection(rows, chooseStyle()).replace(/^/gm, '  '));
  const broken = rows.filter((r) => r.broken);
  const missed = broken.filter((r) => r.missed.length > 0);
  const alarms = rows.filter((r) => !r.broken && r.falseAlarms.length > 0);
  const slow = broken.filter(
    (r) => (r.firstProofMs?.median ?? Number.POSITIVE_INFINITY) >= FIRST_PROOF_GOAL_MS,
  );
  const names = (list: typeof rows) => list.map((r) => `${r.scenario} / ${r.variant}`).join(', ');
  const limit = (measurement: string, list: typeof rows, of: typeof rows): BenchResult => ({
    kind: 'limit',
    measurement: `detection over ${seeds} seeds: ${measurement}`,
    figure: list.length,
    unit: `of ${of.length}`,
    limit: 1,
    ...(list.length ? { detail: names(list) } : {}),
  });
  return [
    limit('broken variants missed on a seed', missed, broken),
    limit(
      'correct variants with a false alarm',
      alarms,
      rows.filter((r) => !r.broken),
    ),
    limit(`broken variants whose median first proof is ${FIRST_PROOF_GOAL_MS} ms or more`, slow, broken),
  ];
}
