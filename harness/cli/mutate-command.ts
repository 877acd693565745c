/** `mutate TARGET`: a SQL target's correct code under generated mutants; the mutation score and the survivors. */
import { join } from 'node:path';
import { type MutantResult, mutate, variantToMutate } from '../../properties/mutation/mutate.ts';
import { reportPath, writeHtmlReport } from '../../reports/html/render.ts';
import type { ChaosConfig } from '../config/config.ts';
import type { Registry } from '../config/registry.ts';
import { ExitCode, shown, UsageError } from '../core/errors.ts';
import { writeJsonFile } from '../core/json-file.ts';
import { textTable } from '../core/text-table.ts';
import { newResults, outDirOf, seedOf, serverPoolOf } from './common.ts';
import { chaosCommand } from './invocation.ts';
import type { MutateOptions } from './options.ts';
import { scheduledTarget } from './property-command.ts';

const verdictOf = (m: MutantResult) =>
  m.error ? 'not applied' : m.caught ? `caught after ${m.cases} case(s)` : `SURVIVED ${m.cases} cases`;

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
      (m, i, total) => console.log(`[${i + 1}/${total}] ${m.operator}: ${verdictOf(m)}`),
    );
    const file = join(outDir, 'mutation.json');
    writeJsonFile(file, report);
    const applied = report.mutants.filter((m) => !m.error);
    console.log(
      `\n${textTable(
        ['operator', 'mutant', 'verdict', 'caught by'],
        report.mutants.map((m) => [
          m.operator,
          m.description,
          verdictOf(m),
          m.violations.join(', ') || m.error || '',
        ]),
      )}`,
    );
    const caught = applied.filter((m) => m.caught).length;
    console.log(
      `\n${target.name}: mutation score ${caught}/${applied.length} (${Math.round(report.score * 100)}%), seed ${seed}`,
    );
    for (const m of applied.filter((x) => !x.caught))
      console.log(`survivor: ${m.operator}: ${m.description}`);
    const html = writeHtmlReport(reportPath(outDir), {
      title: `Mutants: ${target.name}`,
      generatedAt: new Date().toISOString(),
      suite: {
        ...newResults(seed, `${chaosCommand()} mutate ${target.name} --variant ${variant} --seed ${seed}`),
        passed: applied.length > 0,
        exitCode: applied.length > 0 ? ExitCode.ok : ExitCode.checksFailed,
      },
      runs: [],
      mutation: report,
    });
    console.log(`results: ${file}\nreport:  ${html}`);
    return applied.length === 0 ? ExitCode.checksFailed : ExitCode.ok;
  } finally {
    await pool.stopAll();
  }
}
