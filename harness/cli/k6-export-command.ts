/** `k6 export SCENARIO`: an HTTP load scenario as a self-contained k6 script. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { httpInterfaceOf, k6ScriptFor } from '../../load/drive-load.ts';
import type { ChaosConfig } from '../config.ts';
import { ExitCode, UsageError } from '../errors.ts';
import type { Registry } from '../registry.ts';
import type { RunSettings } from '../runner.ts';
import { DEFAULT_TIMEOUT_MS, resolveLoad, resolveWorkload } from '../runner.ts';
import type { CliOptions } from './options.ts';

/** `k6 export SCENARIO`: the scenario's load as a k6 script, runnable without the harness. */
export function k6ExportCommand(options: CliOptions, config: ChaosConfig, registry: Registry): number {
  const name = options.scenarios![0]!;
  const scenario = registry.scenarios.get(name);
  if (!scenario) throw new UsageError(`unknown scenario "${name}" (see \`chaos list\`)`);
  const target = registry.targets.get(scenario.target)!;
  const settings: RunSettings = { seed: options.seed ?? config.run?.seed ?? 1, outDir: '.', engine: 'k6' };
  if (options.workers !== undefined) settings.workers = options.workers;
  if (options.durationMs !== undefined) settings.durationMs = options.durationMs;
  if (options.ratePerSecond !== undefined) settings.ratePerSecond = options.ratePerSecond;
  if (options.thresholds) settings.thresholds = options.thresholds;
  const load = resolveLoad(scenario, settings)!;
  const file = resolve(options.out ?? join('chaos-report', 'k6', `${name}.k6.ts`));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    k6ScriptFor({
      scenario: name,
      http: httpInterfaceOf(target, name),
      load,
      spec: resolveWorkload(scenario, settings),
      timeoutMs: options.timeoutMs ?? scenario.workload.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      baseUrl: 'http://127.0.0.1:8080',
    }),
  );
  console.log(`k6 script: ${file}`);
  console.log(`run it against a running service: BASE_URL=http://127.0.0.1:PORT k6 run ${file}`);
  return ExitCode.ok;
}
