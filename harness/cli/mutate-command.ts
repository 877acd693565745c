/** `mutate TARGET`: a SQL target's correct code under generated mutants; the mutation score and the survivors. */
import { join } from 'node:path';
import { mutate, variantToMutate } from '../../properties/mutation/mutate.ts';
import { reportPath, writeHtmlReport } from '../../reports/html/render.ts';
import { formatMutation, mutantVerdict } from '../../reports/terminal.ts';
import type { ChaosConfig } from '../config/config.ts';
import type { Registry } from '../config/registry.ts';
import { ExitCode, shown, UsageError } from '../core/errors.ts';
import { writeJsonFile } from '../core/json-file.ts';
import { newResults, outDirOf, seedOf, serverPoolOf } from './common.ts';
import { chaosCommand } from './invocation.ts';
import type { MutateOptions } from './options.ts';
import { scheduledTarget } from './property-command.ts';

export async function mutateCommand(
  options: MutateOptions,
  config: ChaosConfig,
  registry: Registry,
): Promise<number> {
  const target = scheduledTarget('mutate', options.mutateTarget!, registry);
  const variant = options.variants?.[0] ?? variantToMutate(target);
  if (options.variants && options.variants.length > 1) throw new UsageError('mutate: name one --variant');
  if (!variant || target.variants[variant]?.broken !== false)
    throw new UsageError(
      `mutate: ${target.name} needs --variant naming one of its correct variants (${Object.keys(
        target.variants,
      )
        .filter((v) => !target.variants[v]!.broken)
        .join(', ')}); got ${shown(variant ?? '')}`,
    );
  const seed = seedOf(options, config);
  const outDir = outDirOf(options, 'mutate-', { keep: config.run?.keep });
  const pool = serverPoolOf(options, config);
  try {
    const report = await mutate(
      target,
      pool,
      { variant, seed, runs: options.propertyRuns ?? 30 },
      (m, i, total) => console.log(`[${i + 1}/${total}] ${m.operator}: ${mutantVerdict(m)}`),
    );
    const file = join(outDir, 'mutation.json');
    writeJsonFile(file, report);
    console.log(`\n${formatMutation(report)}`);
    const html = writeHtmlReport(reportPath(outDir), {
      title: `Mutants: ${target.name}`,
      generatedAt: new Date().toISOString(),
      suite: {
        ...newResults(seed, `${chaosCommand()} mutate ${target.name} --variant ${variant} --seed ${seed}`),
        passed: report.applied > 0,
        exitCode: report.applied > 0 ? ExitCode.ok : ExitCode.checksFailed,
      },
      runs: [],
      mutation: report,
    });
    console.log(`results: ${file}\nreport:  ${html}`);
    // No mutant could be applied: nothing shows the checkers catch anything.
    return report.applied === 0 ? ExitCode.checksFailed : ExitCode.ok;
  } finally {
    await pool.stopAll();
  }
}
