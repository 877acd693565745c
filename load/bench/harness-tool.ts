/** The harness itself as one of a measurement's tools. */
import { runEnvironment } from '../../harness/cli/environment.ts';
import type { RunResult } from '../../harness/core/results.ts';
import { runScenario } from '../../harness/core/runner.ts';
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';
import type { TargetDefinition } from '../../harness/core/target.ts';
import { ownedTempDir } from '../../harness/providers/owned.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import type { Tool } from './rounds.ts';

/**
 * The harness as a bench tool: a run of `scenario` on `target`'s correct
 * variant per round (its own seed each), measured by `figure`.
 */
export function harnessTool(
  pool: ServerPool,
  scenario: ScenarioDefinition,
  target: TargetDefinition,
  figure: (result: RunResult) => number,
): Tool {
  const outDir = ownedTempDir('chaos-bench-');
  return {
    name: 'harness',
    run: async (round) => {
      const result = await runScenario(scenario, target, 'correct', runEnvironment(pool), {
        seed: round + 2,
        outDir,
      });
      if (result.error) throw new Error(`harness run failed: ${result.error}`);
      return figure(result);
    },
  };
}
