/**
 * The package's `concurrency-chaos-harness/vitest` entry: vitest matchers over
 * runScenario's results, registered when this module is imported, and
 * `chaosTest`, a test that runs a scenario and judges it.
 *
 *   import { expect, it } from 'vitest';
 *   import { runScenario } from 'concurrency-chaos-harness/vitest';
 *
 *   it('deposits add up', async () => {
 *     expect(await runScenario(config, { scenario: 'concurrent-deposits', variant: 'correct' })).toHold();
 *   });
 *
 * A failure lists the violations found, each with the operations that prove it
 * (as the history recorded them, with runScenario's results).
 */
import { expect, test } from 'vitest';
import type { ChaosConfig, RunResult, RunScenarioOptions, ScenarioResults, ViolationView } from './index.ts';
import { runScenario } from './index.ts';

export { runScenario };

/** One run as the matchers read it: from runScenario (with its proofs) or from a results.json (without). */
type JudgedRun = RunResult & { proofs?: ViolationView[] };

interface ChaosMatchers<R = unknown> {
  /** Every run's checkers judged it valid: the invariants held. */
  toHold(): R;
  /** Every run's checkers found a violation (verdict invalid): the broken variant was caught. */
  toBeCaught(): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest's own declaration of Assertion has this parameter.
  interface Assertion<T = any> extends ChaosMatchers<T> {}
}

/** Violations listed in a failure message, and proving operations per violation. */
const MAX_VIOLATIONS = 5;
const MAX_OPERATIONS = 6;

function runsOf(received: unknown): JudgedRun[] | undefined {
  if (typeof received !== 'object' || received === null) return undefined;
  if ('runs' in received && Array.isArray(received.runs)) return received.runs as JudgedRun[];
  if ('verdict' in received && 'checks' in received) return [received as JudgedRun];
  return undefined;
}

const nameOf = (run: JudgedRun) => `${run.scenario} / ${run.variant}`;

const formatOperation = (o: ViolationView['operations'][number]) =>
  `#${o.id} worker ${o.worker} ${o.op}(${o.args}) -> ${o.outcome}${o.result ? ` ${o.result}` : ''} (${o.invokedAt}-${o.completedAt} ms)`;

/** A run's violations, each with the operations that prove it: from its proofs when it has them, else their ids. */
function violationLines(run: JudgedRun): string[] {
  const total = run.checks.reduce((n, c) => n + c.violations.length + (c.omitted ?? 0), 0);
  const listed = run.proofs
    ? run.proofs.map((v) => ({ ...v, evidence: v.operations.slice(0, MAX_OPERATIONS).map(formatOperation) }))
    : run.checks.flatMap((c) =>
        c.violations.map((v) => ({
          checker: c.checker,
          ...v,
          evidence:
            v.operations.length > 0 ? [`operations ${v.operations.map((id) => `#${id}`).join(', ')}`] : [],
        })),
      );
  const shown = listed.slice(0, MAX_VIOLATIONS);
  return [
    ...shown.flatMap((v) => [
      `  ${v.checker}: ${v.invariant}: ${v.message}`,
      ...v.evidence.map((line) => `    ${line}`),
    ]),
    ...(total > shown.length ? [`  ... and ${total - shown.length} more violations`] : []),
  ];
}

/** What a run amounts to: its verdict with its figures and seed, each checker's, and why. */
function describeRun(run: JudgedRun): string[] {
  const { ok, fail, info } = run.summary.counts;
  const head = `${nameOf(run)}: verdict ${run.verdict} over ${run.summary.operations} operations (ok ${ok}, fail ${fail}, info ${info}), seed ${run.seed}`;
  const why = run.checks
    .filter((c) => c.verdict === 'unknown')
    .map((c) => `  ${c.checker}: unknown${c.reason ? ` (${c.reason})` : ''}`);
  return [
    head,
    `  checkers: ${run.checks.map((c) => `${c.checker} ${c.verdict}`).join(', ')}`,
    ...(run.error ? [`  error: ${run.error}`] : []),
    ...why,
    ...violationLines(run),
    ...(run.historyFiles.length > 0 ? [`  history: ${run.historyFiles.join(', ')}`] : []),
  ];
}

function judge(received: unknown, verdict: 'valid' | 'invalid', expectation: string, isNot: boolean) {
  const runs = runsOf(received);
  if (!runs || runs.length === 0)
    throw new TypeError(
      `expected runScenario's results (or one of their runs) ${expectation}, got ${runs ? 'no run' : typeof received}`,
    );
  const missed = runs.filter((r) => r.verdict !== verdict || r.error !== undefined);
  const message = () => {
    const lines = isNot
      ? [
          `expected ${runs.map(nameOf).join(', ')} not ${expectation}, but ${runs.length > 1 ? 'each' : 'it'} did:`,
        ]
      : [
          `expected ${missed.map(nameOf).join(', ')} ${expectation}, but ${missed.length > 1 ? 'they' : 'it'} did not:`,
        ];
    lines.push(...(isNot ? runs : missed).flatMap(describeRun));
    if (typeof received === 'object' && received !== null && 'replay' in received)
      lines.push(`replay: ${received.replay}`);
    return lines.join('\n');
  };
  return { pass: missed.length === 0, message };
}

/** The matchers, as `expect.extend` takes them (registered when this module is imported). */
export const chaosMatchers = {
  toHold(this: { isNot: boolean }, received: unknown) {
    return judge(received, 'valid', 'to hold', this.isNot);
  },
  toBeCaught(this: { isNot: boolean }, received: unknown) {
    return judge(received, 'invalid', 'to be caught', this.isNot);
  },
};

expect.extend(chaosMatchers);

/**
 * A vitest test that runs one scenario and judges its results: with `assert`,
 * as it says; without, every run as the CLI judges it (a correct variant must
 * hold, a broken one must be caught). Its timeout leaves room for the servers
 * to start.
 */
export function chaosTest(
  name: string,
  config: ChaosConfig,
  options: RunScenarioOptions,
  assert?: (results: ScenarioResults) => void | Promise<void>,
  timeoutMs = 120_000,
): void {
  test(
    name,
    async () => {
      const results = await runScenario(config, options);
      if (assert) return assert(results);
      for (const run of results.runs) {
        if (run.broken) expect(run).toBeCaught();
        else expect(run).toHold();
      }
    },
    timeoutMs,
  );
}
