/** `k6 export SCENARIO`: an HTTP load scenario as a self-contained k6 script. */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { httpInterfaceOf, k6ScriptFor } from '../../load/drive-load.ts';
import type { ChaosConfig } from '../config/config.ts';
import type { Registry } from '../config/registry.ts';
import { ExitCode, shown, UsageError } from '../core/errors.ts';
import { resolveLoad, resolveWorkload, timeoutOf } from '../core/run-settings.ts';
import { runSettingsOf, writableFolder } from './common.ts';
import type { K6ExportOptions } from './options.ts';

/** `k6 export SCENARIO`: the scenario's load as a k6 script, runnable without the harness. */
export function k6ExportCommand(options: K6ExportOptions, config: ChaosConfig, registry: Registry): number {
  const name = options.scenarios![0]!;
  const scenario = registry.scenarios.get(name);
  if (!scenario) throw new UsageError(`unknown scenario ${shown(name)} (see \`chaos list\`)`);
  const target = registry.targets.get(scenario.target)!;
  // The same settings `k6 run` would use, config included; the script itself is what changes.
  const seed = options.seed ?? config.run?.seed ?? 1; // a script is reproducible by default
  const settings = { ...runSettingsOf(options, config, { seed, outDir: '.' }), engine: 'k6' as const };
  const load = resolveLoad(scenario, settings)!;
  const file = resolve(options.out ?? join('chaos-report', 'k6', `${name}.k6.ts`));
  // Its folder made and proved writable first: a bad --out is a usage error, never a hang or a stack trace.
  writableFolder(dirname(file));
  if (existsSync(file) && statSync(file).isDirectory())
    throw new UsageError(`--out: ${shown(file)} is a folder; name the script file to write`);
  writeFileSync(
    file,
    k6ScriptFor({
      scenario: name,
      http: httpInterfaceOf(target, name),
      load,
      spec: resolveWorkload(scenario, settings),
      timeoutMs: timeoutOf(scenario, settings),
      baseUrl: 'http://127.0.0.1:8080',
      // Outside a run there is no setup, so no data; the first variant stands for the run's.
      requestContext: {
        variant: Object.keys(target.variants)[0]!,
        keys: resolveWorkload(scenario, settings).keys.count,
        data: null,
      },
    }),
  );
  console.log(`k6 script: ${file}`);
  console.log(`run it against a running service: BASE_URL=http://127.0.0.1:PORT k6 run ${file}`);
  return ExitCode.ok;
}
