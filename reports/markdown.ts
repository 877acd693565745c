/**
 * A Markdown summary of a run, for pull requests and CI pages; appended to
 * `$GITHUB_STEP_SUMMARY` when GitHub Actions sets it.
 */
import { appendFileSync } from 'node:fs';
import type { SuiteResults } from '../harness/core/results.ts';
import { anyThresholdFailed, thresholdResultsOf } from '../harness/core/run-thresholds.ts';
import { printable } from './printable.ts';
import { ms, statusOf, violationCount } from './terminal.ts';

/** Table cells hold text only: pipes, backticks, angle brackets and newlines neutralised. */
export function markdownCell(text: unknown): string {
  return printable(String(text).replace(/\r?\n/g, ' '))
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'")
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function toMarkdown(results: SuiteResults): string {
  const correct = results.runs.filter((r) => !r.broken);
  const broken = results.runs.filter((r) => r.broken);
  const held = correct.filter((r) => r.passed).length;
  const caught = broken.filter((r) => r.passed).length;
  const failedThresholds = results.runs.filter(anyThresholdFailed);
  // The invariants decide the headline; crossed thresholds (exit 99) are named in it too.
  const headline = !results.passed
    ? 'FAILED'
    : failedThresholds.length > 0
      ? 'passed, thresholds crossed'
      : 'passed';
  const checked = results.historyChecks ?? [];
  const lines = [`## Chaos run: ${headline}`, ''];
  // `chaos check` judges files, not runs: no runs table for it.
  if (results.runs.length > 0 || checked.length === 0)
    lines.push(
      `${held}/${correct.length} correct variants held, ${caught}/${broken.length} broken variants caught. Seed ${results.seed}, exit code ${results.exitCode ?? 'unknown'}.`,
      '',
      '| scenario | variant | verdict | ok | fail | info | violations | conflicts | p99 ms | result |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
  for (const r of results.runs) {
    const violations = violationCount(r);
    const status = statusOf(r);
    const result = r.passed ? status.toLowerCase() : `**${status}**`;
    const cells = [
      r.scenario,
      r.variant,
      r.verdict,
      r.summary.counts.ok,
      r.summary.counts.fail,
      r.summary.counts.info,
      violations,
      `${(r.summary.conflictRate * 100).toFixed(1)}%`,
      ms(r.summary.latency.p99),
    ];
    lines.push(`| ${cells.map(markdownCell).join(' | ')} | ${result} |`);
  }
  if (failedThresholds.length > 0) {
    lines.push('', '**Thresholds failed:**', '');
    for (const r of failedThresholds) {
      for (const t of thresholdResultsOf(r).filter((x) => !x.passed))
        lines.push(
          `- ${markdownCell(r.scenario)}: \`${markdownCell(`${t.metric} ${t.expression}`)}\` measured ${t.value ?? 'nothing'}`,
        );
    }
  }
  const missed = results.runs.filter((r) => !r.passed);
  for (const r of missed.slice(0, 10)) {
    const first = r.checks.flatMap((c) => c.violations)[0];
    if (first)
      lines.push(
        '',
        `- ${markdownCell(`${r.scenario} / ${r.variant}`)}: ${markdownCell(`${first.invariant}: ${first.message}`)}`,
      );
    else if (r.error)
      lines.push('', `- ${markdownCell(`${r.scenario} / ${r.variant}`)}: run error ${markdownCell(r.error)}`);
  }
  if (checked.length > 0) {
    if (lines.at(-1) !== '') lines.push('');
    lines.push(
      '| history file | judged by | verdict | size | weakest model violated |',
      '|---|---|---|---|---|',
    );
    for (const c of checked)
      lines.push(
        `| ${[c.file, c.judgedBy, c.verdict === 'valid' ? 'valid' : `**${c.verdict}**`, c.size ?? '', (c.weakestViolated ?? []).join(', ')].map(markdownCell).join(' | ')} |`,
      );
  }
  lines.push('', `Replay: \`${markdownCell(results.replay)}\``, '');
  return lines.join('\n');
}

/** Append to GitHub's step summary when running in GitHub Actions. */
export function appendStepSummary(
  markdown: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return undefined;
  appendFileSync(file, `${markdown}\n`);
  return file;
}
