import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../harness/core/results.ts';
import { escapeXml, toJUnit } from './junit.ts';
import { appendStepSummary, markdownCell, toMarkdown } from './markdown.ts';
import { fakeRun, fakeSuite } from './testing/fake-results.ts';

describe('JUnit XML', () => {
  it('has a case per checker of a correct variant and one per broken variant, failing where they should', () => {
    const xml = toJUnit(
      fakeSuite([
        fakeRun({ violations: 2 }),
        fakeRun({ broken: true, violations: 0, verdict: 'valid' }),
        fakeRun({ scenario: 'concurrent-create', broken: true, violations: 3 }),
      ]),
    );
    expect(xml).toMatch(/<testsuites name="chaos" tests="3" failures="2">/);
    expect(xml).toMatch(/<testsuite name="stale-version-mutation" tests="2" failures="2"/);
    expect(xml).toContain(
      '<failure message="2 violations">read-before-write: lost update 0 (operations 0, 1)',
    );
    expect(xml).toContain('<failure message="not caught: verdict valid">');
    expect(xml).toMatch(
      /<testcase name="broken variant is caught \(by no-lost-update\)" classname="concurrent-create.blind-update" time="1.000"\/>/,
    );
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml('<a href="x">&\'\u0001')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    const xml = toJUnit(fakeSuite([fakeRun({ error: '</failure><script>' })]));
    expect(xml).not.toContain('</failure><script>');
    expect(xml).toContain('&lt;/failure&gt;&lt;script&gt;');
  });
});

describe('Markdown summary', () => {
  it('has a row per run and the verdicts, and keeps table cells to text', () => {
    const md = toMarkdown(
      fakeSuite([
        fakeRun(),
        fakeRun({ broken: true, violations: 4 }),
        fakeRun({ variant: 'a|b<script>', violations: 1 }),
      ]),
    );
    expect(md).toContain('## Chaos run: FAILED');
    expect(md).toContain('1/2 correct variants held, 1/1 broken variants caught');
    expect(md).toContain(
      '| stale-version-mutation | blind-update | invalid | 90 | 10 | 0 | 4 | 10.0% | 5.00 | caught |',
    );
    expect(md).toContain('a\\|b&lt;script&gt;');
    expect(markdownCell('x\ny|`z`')).toBe("x y\\|'z'");
  });

  it('marks failed runs in capitals and names a threshold k6 failed on its own', () => {
    const k6Failed = fakeRun({
      scenario: 'saga-orders-load',
      load: { exitCode: 99, thresholds: [] } as unknown as NonNullable<RunResult['load']>,
    });
    const md = toMarkdown(fakeSuite([k6Failed, fakeRun({ broken: true, verdict: 'valid' })]));
    expect(md).toContain('| **MISSED** |');
    expect(md).toContain(
      '- saga-orders-load: `k6 script its own threshold crossed (exit 99)` measured nothing',
    );
  });

  it('is appended to $GITHUB_STEP_SUMMARY when GitHub Actions sets it, and nowhere otherwise', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'chaos-md-')), 'summary.md');
    expect(appendStepSummary('# one', {})).toBeUndefined();
    expect(appendStepSummary('# one', { GITHUB_STEP_SUMMARY: file })).toBe(file);
    appendStepSummary('# two', { GITHUB_STEP_SUMMARY: file });
    expect(readFileSync(file, 'utf8')).toBe('# one\n# two\n');
  });
});
