import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/config.ts';
import type { Operation } from './history.ts';
import {
  anyThresholdFailed,
  evaluateRunThresholds,
  K6_OWN_THRESHOLD,
  parseMetricKey,
  type RunFacts,
  thresholdResultsOf,
} from './run-thresholds.ts';
import { summarize } from './stats.ts';

const op = (id: number, name: string, latency: number, outcome: Operation['outcome'] = 'ok'): Operation => ({
  id,
  worker: 0,
  op: name,
  args: {},
  outcome,
  invokedAt: id * 10,
  completedAt: id * 10 + latency,
});

const run: RunFacts = {
  scenario: 'stale-version-mutation',
  variant: 'correct',
  broken: false,
  operations: [
    op(0, 'read', 1),
    op(1, 'update', 40),
    op(2, 'update', 80, 'fail'),
    op(3, 'update', 5, 'info'),
  ],
  checks: [
    {
      checker: 'c',
      verdict: 'invalid',
      violations: [{ invariant: 'x', message: 'm', operations: [1] }],
      omitted: 2,
    },
  ],
  correctCoordinatedOmission: true,
};

describe('thresholds on a run', () => {
  it('reads metric names and tags', () => {
    expect(parseMetricKey('latency{op:update, scenario:s}')).toEqual({
      metric: 'latency',
      tags: { op: 'update', scenario: 's' },
    });
    expect(() => parseMetricKey('latncy')).toThrow(/unknown metric latncy/);
    expect(() => parseMetricKey('latency{colour:red}')).toThrow(/tags are op:NAME/);
    expect(() => parseMetricKey('violations{op:update}')).toThrow(/violations belong to a run/);
  });

  it("judges the issue's three examples, both ways", () => {
    const results = evaluateRunThresholds(
      {
        violations: ['count==0'],
        'latency{op:update}': ['p(99)<50', 'max<=80'],
        conflict_rate: ['rate<0.4'],
        'conflict_rate{op:update}': ['rate<0.4'],
      },
      run,
    );
    expect(results.map((r) => [r.metric, r.expression, r.value, r.passed])).toEqual([
      ['violations', 'count==0', 3, false],
      ['latency{op:update}', 'p(99)<50', 80, false], // info operations have no latency
      ['latency{op:update}', 'max<=80', 80, true],
      ['conflict_rate', 'rate<0.4', 1 / 3, true], // fail / (ok + fail), from the history
      ['conflict_rate{op:update}', 'rate<0.4', 0.5, false], // of the updates alone
    ]);
  });

  it("takes the figures of all operations from the run's own summary when given, the tagged ones from the history", () => {
    const summary = summarize(run.operations, { correctCoordinatedOmission: true });
    const given = { ...run, summary: { ...summary, conflictRate: 0.9 } };
    const judged = evaluateRunThresholds(
      { conflict_rate: ['rate<0.4'], 'conflict_rate{op:update}': ['rate<0.4'] },
      given,
    );
    expect(judged.map((r) => r.value)).toEqual([0.9, 0.5]);
  });

  it('leaves broken variants alone unless a variant tag names them', () => {
    const mutant = { ...run, variant: 'blind-update', broken: true };
    expect(evaluateRunThresholds({ violations: ['count==0'] }, mutant)).toEqual([]);
    expect(
      evaluateRunThresholds({ 'violations{variant:blind-update}': ['count>0'] }, mutant)[0]?.passed,
    ).toBe(true);
    expect(evaluateRunThresholds({ 'throughput{scenario:other}': ['rate>1'] }, run)).toEqual([]);
  });

  it('refuses a bad threshold in the config, naming it', () => {
    expect(() =>
      validateConfig({ thresholds: { 'latency{op:update}': ['p99<5'] } }, 'chaos.config.ts'),
    ).toThrow(/chaos\.config\.ts: thresholds: threshold for latency\{op:update\}: cannot read "p99<5"/);
    expect(() => validateConfig({ thresholds: { conflict_rate: 'rate<0.3' } }, 'chaos.config.ts')).toThrow(
      /thresholds\.conflict_rate/,
    );
  });

  it("stands in for a threshold of k6's own script when k6 exits 99 and nothing the harness judged failed", () => {
    const passed = { metric: 'latency', expression: 'p(99)<500', value: 12, passed: true };
    const ownOnly = { load: { exitCode: 99, thresholds: [passed] } };
    expect(thresholdResultsOf(ownOnly)).toEqual([passed, K6_OWN_THRESHOLD]);
    expect(anyThresholdFailed(ownOnly)).toBe(true);
    const failed = { ...passed, value: 900, passed: false };
    expect(thresholdResultsOf({ load: { exitCode: 99, thresholds: [failed] } })).toEqual([failed]);
    expect(anyThresholdFailed({ load: { exitCode: 0, thresholds: [passed] } })).toBe(false);
    // A failed config threshold does not explain k6's exit: k6's own still stands beside it.
    const config = { metric: 'conflict_rate', expression: 'rate<0.1', value: 0.5, passed: false };
    expect(thresholdResultsOf({ ...ownOnly, thresholds: [config] })).toEqual([
      passed,
      config,
      K6_OWN_THRESHOLD,
    ]);
  });
});
