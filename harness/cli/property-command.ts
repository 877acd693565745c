/** `property TARGET`: the target's property under generated schedules, shrunk and replayable. */
import { join } from 'node:path';
import { exhaustiveAsProperty, exploreInterleavings } from '../../properties/exhaustive.ts';
import { type PropertyResult, runProperty } from '../../properties/property-run.ts';
import { reportPath, writeHtmlReport } from '../../reports/html/render.ts';
import { propertyViews } from '../../reports/html/report-data.ts';
import { statusOf } from '../../reports/terminal.ts';
import type { ChaosConfig } from '../config/config.ts';
import type { Registry } from '../config/registry.ts';
import { ExitCode, shown, UsageError } from '../core/errors.ts';
import { writeJsonFile } from '../core/json-file.ts';
import type { TargetDefinition } from '../core/target.ts';
import { newResults, onInterrupt, outDirOf, seedOf, serverPoolOf } from './common.ts';
import { chaosCommand } from './invocation.ts';
import type { PropertyOptions } from './options.ts';

/**
 * The target `command` names, if the interleaving scheduler can run it: one database, its SQL sent
 * through the connections its operations get (not services over HTTP). Else a UsageError.
 */
export function scheduledTarget(command: string, name: string, registry: Registry): TargetDefinition {
  const target = registry.targets.get(name);
  if (!target)
    throw new UsageError(
      `${command}: unknown target ${shown(name)} (targets: ${[...registry.targets.keys()].join(', ')})`,
    );
  if (target.http)
    throw new UsageError(
      `${command}: ${target.name} is driven over HTTP; the scheduler gates SQL statements`,
    );
  if (target.extraDatabases?.length || !target.database)
    throw new UsageError(
      `${command}: ${target.name} spans several databases through its services; the scheduler gates the SQL statements of one`,
    );
  return target;
}

/** `property TARGET`: generated schedules on the real database, shrunk counterexamples, replayable. */
export async function propertyCommand(
  options: PropertyOptions,
  config: ChaosConfig,
  registry: Registry,
): Promise<number> {
  const target = scheduledTarget('property', options.propertyTarget!, registry);
  const variants = options.variants ?? Object.keys(target.variants);
  for (const v of variants)
    if (!target.variants[v]) throw new UsageError(`property: ${target.name} has no variant ${shown(v)}`);
  if (options.replay && variants.length !== 1) throw new UsageError('--replay needs one --variant');
  const scopeFlags = ['clients', 'operationsPerClient', 'keys', 'maxInterleavings'] as const;
  if (!options.exhaustive && scopeFlags.some((f) => options[f] !== undefined))
    throw new UsageError(
      'property: --clients, --ops, --keys and --max-interleavings set the scope of --exhaustive',
    );
  if (options.exhaustive && (options.replay || options.propertyRuns || options.scheduleStrategy))
    throw new UsageError(
      'property: --exhaustive runs every interleaving; --runs, --schedule and --replay are for generated ones',
    );
  const seed = seedOf(options, config);
  const outDir = outDirOf(options, 'property-', { keep: config.run?.keep });
  const pool = serverPoolOf(options, config);
  const results: PropertyResult[] = [];
  // Rewritten after every variant, so an interrupted or crashed command keeps the variants it finished.
  const file = join(outDir, 'property.json');
  // `finishedAt` once every variant ran: a file without it is from a run that crashed or was interrupted.
  const record: {
    seed: number;
    startedAt: string;
    finishedAt?: string;
    interrupted: boolean;
    results: PropertyResult[];
  } = {
    seed,
    startedAt: new Date().toISOString(),
    interrupted: false,
    results,
  };
  const save = () => writeJsonFile(file, record);
  const stopHandlingInterrupts = onInterrupt(() => {
    record.interrupted = true;
    save();
  });
  try {
    for (const variant of variants) {
      if (options.exhaustive) {
        const scope = {
          clients: options.clients ?? 2,
          operations: options.operationsPerClient ?? 1,
          keys: options.keys ?? 1,
          seed,
          maxInterleavings: options.maxInterleavings ?? 5000,
        };
        const explored = await exploreInterleavings(target, variant, pool, scope);
        const result = exhaustiveAsProperty(explored);
        results.push(result);
        save();
        console.log(`${target.name} / ${variant}: ${result.exhaustive} ${statusOf(result)}`);
        if (result.text) console.log(`first failing interleaving:\n${result.text}`);
        continue;
      }
      const result = await runProperty(target, variant, pool, {
        runs: options.propertyRuns ?? 100,
        seed,
        ...(options.scheduleStrategy ? { strategy: options.scheduleStrategy } : {}),
        ...(options.replay ? { replay: options.replay } : {}),
      });
      results.push(result);
      save();
      const verdict = result.held ? 'held' : 'failed';
      console.log(
        `${target.name} / ${variant}: property ${verdict} after ${result.runs} runs (seed ${result.seed}) ${statusOf(result)}`,
      );
      if (result.text) {
        console.log(result.text);
        console.log(
          `replay: ${chaosCommand()} property ${target.name} --variant ${variant} --schedule ${result.strategy} --replay ${result.seed}:${result.path}`,
        );
      }
    }
  } finally {
    await pool.stopAll();
    stopHandlingInterrupts();
  }
  record.finishedAt = new Date().toISOString();
  save();
  const passed = results.every((r) => r.passed);
  const html = writeHtmlReport(reportPath(outDir), {
    title: `Properties: ${target.name}`,
    generatedAt: new Date().toISOString(),
    suite: {
      ...newResults(seed, `${chaosCommand()} property ${target.name} --seed ${seed}`),
      passed,
      exitCode: passed ? ExitCode.ok : ExitCode.checksFailed,
    },
    runs: [],
    properties: propertyViews(results),
  });
  console.log(`results: ${file}\nreport:  ${html}`);
  return passed ? ExitCode.ok : ExitCode.checksFailed;
}
