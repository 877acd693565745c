import { describe, expect, it } from 'vitest';
import { fakeRun, fakeSuite } from '../../reports/testing/fake-results.ts';
import { parseSuiteResults } from './results.ts';

describe('the results.json schema', () => {
  it('accepts a suite as the runner writes it, its JSON round trip included', () => {
    const suite = fakeSuite([fakeRun(), fakeRun({ broken: true, violations: 3 })]);
    const parsed = parseSuiteResults(JSON.parse(JSON.stringify(suite)));
    expect(parsed).toEqual({ ok: true, results: suite });
  });

  it('names the bad field by its path', () => {
    const suite = JSON.parse(JSON.stringify(fakeSuite([fakeRun(), fakeRun()])));
    suite.runs[1].summary.latency.p99 = 'fast';
    expect(parseSuiteResults(suite)).toEqual({
      ok: false,
      error: expect.stringMatching(/^runs\[1\]\.summary\.latency\.p99: Expected number, received string/),
    });
  });

  it('tells a file of another schema version, or not a results file at all, apart', () => {
    expect(parseSuiteResults({ ...fakeSuite([]), schemaVersion: 7 })).toEqual({
      ok: false,
      error: 'schema version 7; this harness reads version 1',
    });
    expect(parseSuiteResults([1, 2, 3])).toMatchObject({ ok: false });
    expect(parseSuiteResults({ name: 'package.json' })).toEqual({
      ok: false,
      error: expect.stringMatching(/^schemaVersion: /),
    });
  });
});
