/**
 * JUnit XML for CI systems: one test suite per scenario, one test case per
 * (variant, checker) pair, plus one per load threshold. A correct variant's
 * invariant fails when it was violated; a broken variant's case fails when
 * the harness did not catch it.
 */
import { violationTotal } from '../harness/core/check.ts';
import type { RunResult, SuiteResults } from '../harness/core/results.ts';
import { thresholdResultsOf } from '../harness/core/run-thresholds.ts';

export function escapeXml(text: unknown): string {
  return (
    String(text)
      // Characters XML 1.0 cannot hold at all.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

interface TestCase {
  name: string;
  className: string;
  seconds: number;
  failure?: { message: string; details: string };
}

function casesOf(run: RunResult): TestCase[] {
  const className = `${run.scenario}.${run.variant}`;
  const seconds = run.durationMs / 1000;
  const cases: TestCase[] = [];
  if (run.error)
    cases.push({ name: 'run', className, seconds, failure: { message: run.error, details: run.error } });
  if (run.broken) {
    // One case: was the mutant caught, by any checker?
    const caught = run.checks.filter((c) => c.verdict === 'invalid').map((c) => c.checker);
    const test: TestCase = { name: 'broken variant is caught', className, seconds };
    if (!run.passed)
      test.failure = {
        message: `not caught: verdict ${run.verdict}`,
        details: run.checks
          .map((c) => `${c.checker}: ${c.verdict}${c.reason ? ` (${c.reason})` : ''}`)
          .join('\n'),
      };
    else test.name = `broken variant is caught (by ${caught.join(', ')})`;
    cases.push(test);
  } else {
    for (const check of run.checks) {
      const test: TestCase = { name: check.checker, className, seconds: 0 };
      if (check.verdict !== 'valid') {
        const lines = check.violations.map(
          (v) => `${v.invariant}: ${v.message} (operations ${v.operations.join(', ')})`,
        );
        test.failure = {
          message:
            check.verdict === 'unknown'
              ? `could not decide: ${check.reason ?? ''}`
              : `${violationTotal([check])} violations`,
          details: lines.join('\n'),
        };
      }
      cases.push(test);
    }
  }
  for (const t of thresholdResultsOf(run)) {
    const test: TestCase = { name: `threshold ${t.metric} ${t.expression}`, className, seconds: 0 };
    if (!t.passed) test.failure = { message: `measured ${t.value ?? 'nothing'}`, details: '' };
    cases.push(test);
  }
  return cases;
}

export function toJUnit(results: SuiteResults): string {
  const byScenario = new Map<string, TestCase[]>();
  for (const run of results.runs)
    byScenario.set(run.scenario, [...(byScenario.get(run.scenario) ?? []), ...casesOf(run)]);
  // `chaos check`: a case per history file, failed unless it holds.
  if ((results.historyChecks ?? []).length > 0)
    byScenario.set(
      'chaos check',
      results.historyChecks!.map((check) => ({
        name: check.file,
        className: check.judgedBy,
        seconds: (check.durationMs ?? 0) / 1000,
        ...(check.verdict === 'valid'
          ? {}
          : {
              failure: {
                message: check.verdict,
                details: [
                  check.explanation ?? '',
                  ...(check.anomalies ?? []).map((a) => `${a.name}: ${a.explanation}`),
                ]
                  .filter(Boolean)
                  .join('\n'),
              },
            }),
      })),
    );
  const suites = [...byScenario.entries()].map(([scenario, cases]) => {
    const failures = cases.filter((c) => c.failure).length;
    const time = cases.reduce((t, c) => t + c.seconds, 0);
    const body = cases
      .map((c) => {
        const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(c.className)}" time="${c.seconds.toFixed(3)}"`;
        if (!c.failure) return `${open}/>`;
        return `${open}>\n      <failure message="${escapeXml(c.failure.message)}">${escapeXml(c.failure.details)}</failure>\n    </testcase>`;
      })
      .join('\n');
    return `  <testsuite name="${escapeXml(scenario)}" tests="${cases.length}" failures="${failures}" errors="0" time="${time.toFixed(3)}">\n${body}\n  </testsuite>`;
  });
  const total = [...byScenario.values()].flat();
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="chaos" tests="${total.length}" failures="${total.filter((c) => c.failure).length}">\n${suites.join('\n')}\n</testsuites>\n`;
}
