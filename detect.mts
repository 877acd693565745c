import { buildRegistry, selectRuns } from '/work/main/harness/registry.ts';
import { runScenario } from '/work/main/harness/runner.ts';
import { ServerPool } from '/work/main/harness/server-pool.ts';
const pool = new ServerPool({ preference: 'auto', urls: {} });
const runs = selectRuns(buildRegistry({}), { scenarios: ['saga-orders', 'cross-service-delete'] }).filter((r) => r.target.variants[r.variant]!.broken);
for (const run of runs) {
  const times: number[] = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const r = await runScenario(run.scenario, run.target, run.variant, pool, { seed, outDir: '/tmp/detect' });
    times.push(r.passed && r.detectedAtMs !== undefined ? r.detectedAtMs : Number.POSITIVE_INFINITY);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${run.scenario.name} / ${run.variant}: caught ${times.filter(Number.isFinite).length}/5; first proof ms ${times.map((t) => t.toFixed(0)).join(', ')}; median ${sorted[2]!.toFixed(0)} ms`);
}
await pool.stopAll();
