/**
 * Human output in the terminal: one table per scenario (a row per variant),
 * the violations that prove a verdict, and a closing summary. Colour only on
 * a TTY, and never with NO_COLOR or CI set.
 */

import { violationTotal } from '../harness/core/check.ts';
import type { LoadResult } from '../harness/core/load.ts';
import type { DetectionRow, RunResult } from '../harness/core/results.ts';
import { textTable } from '../harness/core/text-table.ts';
import type { MutantResult, MutationReport } from '../properties/mutation/mutate.ts';
import { printableDeep } from './printable.ts';

export interface Style {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** A person watches this stream: a terminal, colours not refused, not CI. */
export function interactive(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && !env.CI;
}

export function chooseStyle(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Style {
  const color = interactive(stream, env);
  const wrap = (open: number, close: number) => (text: string) =>
    color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Milliseconds as the tables show them: whole from 100 up, two decimals below. */
export const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(2));

const MAX_VIOLATIONS_SHOWN = 3;
const MAX_FAULT_WINDOWS_SHOWN = 6;

/** All violations found, including those not kept in the results. */
export function violationCount(run: RunResult): number {
  return violationTotal(run.checks);
}

export type RunStatus = 'PASS' | 'CAUGHT' | 'FAIL' | 'MISSED';

/** What a run's outcome means: a correct variant passes or fails, a broken one is caught or missed. */
export function statusOf(run: { passed: boolean; broken: boolean }): RunStatus {
  if (run.passed) return run.broken ? 'CAUGHT' : 'PASS';
  return run.broken ? 'MISSED' : 'FAIL';
}

export function formatScenario(unsafe: RunResult[], style: Style): string {
  const results = printableDeep(unsafe);
  const first = results[0]!;
  const out: string[] = [
    style.bold(`${first.scenario}`) + style.dim(`  (target ${first.target}, seed ${first.seed})`),
  ];
  const rows = results.map((r) => {
    const violations = violationCount(r);
    const outcome = (r.passed ? style.green : style.red)(statusOf(r));
    return [
      r.variant,
      r.broken ? 'broken' : 'correct',
      r.verdict,
      String(r.summary.counts.ok),
      String(r.summary.counts.fail),
      String(r.summary.counts.info),
      String(violations),
      `${(r.summary.conflictRate * 100).toFixed(1)}%`,
      ms(r.summary.latency.p50),
      ms(r.summary.latency.p99),
      outcome,
    ];
  });
  out.push(
    textTable(
      [
        'variant',
        'kind',
        'verdict',
        'ok',
        'fail',
        'info',
        'violations',
        'conflicts',
        'p50 ms',
        'p99 ms',
        'result',
      ],
      rows,
    ),
  );

  if (results.some((r) => r.summary.latency.correctedForCoordinatedOmission)) {
    out.push(
      style.dim(
        '  latency of paced runs is measured from when each operation was meant to start (coordinated omission corrected; --no-co-correction turns it off)',
      ),
    );
  }
  for (const r of results) {
    if (r.error) out.push(style.red(`  ${r.variant}: run error: ${r.error}`));
    for (const point of r.timingGrid ?? []) {
      const mark = r.broken
        ? ''
        : point.met
          ? style.green(' as the article reports')
          : style.red(` expected ${point.expect}`);
      out.push(
        `  ${r.variant}: rate ${point.rateMs}ms / offset ${point.offsetMs}ms (run at ${ms(point.scaledRateMs)}ms / ${ms(point.scaledOffsetMs)}ms): ` +
          point.failuresByWorker.map((f, w) => `worker ${w} ${f} failures`).join(', ') +
          mark,
      );
    }
    if (r.broken && r.detectedAtMs !== undefined)
      out.push(style.dim(`  ${r.variant}: first proof after ${ms(r.detectedAtMs)} ms`));
    for (const w of r.faultWindows.slice(0, MAX_FAULT_WINDOWS_SHOWN)) {
      const healed = w.stoppedAt === undefined ? 'not healed' : `${ms(w.startedAt)}-${ms(w.stoppedAt)} ms`;
      const { ok, fail, info } = w.counts;
      out.push(
        `  ${r.variant}: fault ${style.bold(w.fault)} ${healed}: ok ${ok}, fail ${fail}, info ${info}, violations ${w.violations}`,
      );
    }
    // Every window that broke nothing is named, shown or not above: a fault that reached nothing tested nothing.
    for (const w of r.faultWindows.filter((window) => window.reachedNothing))
      out.push(
        style.yellow(
          `  warning: ${r.variant}: fault ${w.fault} at ${ms(w.startedAt)} ms reached nothing: ${w.reachedNothing}`,
        ),
      );
    if (r.faultWindows.length > MAX_FAULT_WINDOWS_SHOWN) {
      out.push(
        style.dim(
          `  ${r.variant}: ... and ${r.faultWindows.length - MAX_FAULT_WINDOWS_SHOWN} more fault windows`,
        ),
      );
    }
    if (r.load) out.push(...formatLoad(r.variant, r.load, style));
    const violations = r.checks.flatMap((c) => c.violations);
    const total = violationCount(r);
    for (const v of violations.slice(0, MAX_VIOLATIONS_SHOWN))
      out.push(`  ${r.variant}: ${style.red(v.invariant)}: ${v.message}`);
    if (total > MAX_VIOLATIONS_SHOWN)
      out.push(style.dim(`  ${r.variant}: ... and ${total - MAX_VIOLATIONS_SHOWN} more (see results.json)`));
    for (const c of r.checks) {
      if (!c.metrics) continue;
      const figures = Object.entries(c.metrics).map(
        ([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`,
      );
      out.push(style.dim(`  ${r.variant}: ${c.checker}: ${figures.join(', ')}`));
    }
    for (const c of r.checks)
      if (c.verdict === 'unknown')
        out.push(`  ${r.variant}: ${c.checker} could not decide: ${c.reason ?? 'no reason given'}`);
  }
  return out.join('\n');
}

/** A load engine's figures and thresholds, under the scenario's table. */
export function formatLoad(variant: string, load: LoadResult, style: Style): string[] {
  const model =
    load.model === 'open'
      ? `open model, ${load.ratePerSecond} req/s over ${load.connections} connections`
      : `closed model, ${load.connections} connections`;
  const segments = load.segments && load.segments > 1 ? `, ${load.segments} instances` : '';
  const { p50, p90, p99, p99_9 } = load.latency;
  const lines = [
    `  ${variant}: ${style.bold(load.engine)} ${model}${segments}: ${load.requests} requests, ${load.requestsPerSecond.toFixed(1)} req/s; ` +
      `latency p50 ${ms(p50)} / p90 ${ms(p90)} / p99 ${ms(p99)} / p99.9 ${ms(p99_9)} ms; ` +
      `non-2xx ${load.non2xx}, errors ${load.errors}, timeouts ${load.timeouts}, checks failed ${load.checksFailed}`,
    style.dim(`  ${variant}: load latency from ${load.latencySource}`),
  ];
  if (load.iterations !== undefined) lines.push(style.dim(`  ${variant}: k6 iterations ${load.iterations}`));
  for (const t of load.thresholds) {
    const value =
      t.value === undefined ? 'not measured' : Number.isInteger(t.value) ? t.value : t.value.toFixed(3);
    const mark = t.passed ? style.green('ok') : style.red('FAILED');
    lines.push(`  ${variant}: threshold ${t.metric} ${t.expression}: ${value} ${mark}`);
  }
  return lines;
}

export function formatSummary(results: RunResult[], style: Style): string {
  const correct = results.filter((r) => !r.broken);
  const broken = results.filter((r) => r.broken);
  const held = correct.filter((r) => r.passed).length;
  const caught = broken.filter((r) => r.passed).length;
  const text = `correct variants held: ${held}/${correct.length}; broken variants caught: ${caught}/${broken.length}`;
  return held === correct.length && caught === broken.length ? style.green(text) : style.red(text);
}

/** Seeds as a person reads them: `1-5, 8`. */
export function seedList(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    parts.push(j > i ? `${seeds[i]}-${seeds[j]}` : String(seeds[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** `run --seeds`: per variant, the seeds that caught it (or raised a false alarm) and the time to first proof. */
export function formatDetection(rows: DetectionRow[], style: Style): string {
  const lines = rows.map((r) => {
    const bad = r.broken ? r.missed : r.falseAlarms;
    const verdict = r.broken
      ? `caught ${r.caught.length}/${r.seeds.length}${r.missed.length ? `, missed on ${seedList(r.missed)}` : ''}`
      : `held ${r.seeds.length - r.falseAlarms.length}/${r.seeds.length}${r.falseAlarms.length ? `, false alarm on ${seedList(r.falseAlarms)}` : ''}`;
    const proof = r.firstProofMs
      ? `${ms(r.firstProofMs.median)} / ${ms(r.firstProofMs.p90)} / ${ms(r.firstProofMs.max)}`
      : '-';
    return [
      r.scenario,
      r.variant,
      r.broken ? 'broken' : 'correct',
      (bad.length ? style.red : style.green)(verdict),
      proof,
    ];
  });
  return `${style.bold('detection over seeds')}\n${textTable(
    ['scenario', 'variant', 'kind', 'seeds', 'first proof ms (median / p90 / max)'],
    lines,
  )}`;
}

/** A mutant's fate in a few words. */
export const mutantVerdict = (m: MutantResult) =>
  m.error ? 'not applied' : m.caught ? `caught after ${m.cases} case(s)` : `SURVIVED ${m.cases} cases`;

/** `chaos mutate`: every mutant with its verdict, the score, then each survivor on its own line. */
export function formatMutation(report: MutationReport): string {
  const table = textTable(
    ['operator', 'mutant', 'verdict', 'caught by'],
    report.mutants.map((m) => [
      m.operator,
      m.description,
      mutantVerdict(m),
      m.violations.join(', ') || m.error || '',
    ]),
  );
  const score = `${report.target}: mutation score ${report.caught}/${report.applied} (${Math.round(report.score * 100)}%), seed ${report.seed}`;
  const survivors = report.mutants
    .filter((m) => !m.error && !m.caught)
    .map((m) => `survivor: ${m.operator}: ${m.description}`);
  return [table, '', score, ...survivors].join('\n');
}
