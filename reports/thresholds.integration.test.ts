/**
 * Config thresholds through the command line on a real Postgres run: a
 * threshold that cannot hold exits 99 with the invariants intact, a loose one
 * exits 0; every run leaves its HTML report, JUnit XML and Markdown summary.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../harness/cli/main.ts';
import { describeWith, postgresComponent } from '../harness/testing/components.ts';

async function runWith(thresholds: Record<string, string[]>) {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-thresholds-'));
  const config = join(dir, 'chaos.config.mjs');
  writeFileSync(config, `export default { thresholds: ${JSON.stringify(thresholds)} };\n`);
  const out = join(dir, 'run');
  const code = await main([
    '--config',
    config,
    '--scenario',
    'stale-version-mutation',
    '--duration',
    '400ms',
    '--seed',
    '1',
    '--out',
    out,
  ]);
  return { code, out, results: JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) };
}

describeWith([await postgresComponent()], 'config thresholds', () => {
  it('a threshold the run cannot meet exits 99; the mutant is not judged by it', async () => {
    const { code, out, results } = await runWith({
      'latency{op:mutate}': ['p(99)<0.0001'],
      violations: ['count==0'],
    });
    expect(code).toBe(99);
    expect(results.exitCode).toBe(99);
    const [correct, mutant] = results.runs;
    expect(correct.passed).toBe(true);
    expect(correct.thresholds).toMatchObject([
      { metric: 'latency{op:mutate}', expression: 'p(99)<0.0001', passed: false },
      { metric: 'violations', expression: 'count==0', value: 0, passed: true },
    ]);
    expect(mutant.variant).toBe('blind-update');
    expect(mutant.thresholds).toBeUndefined();
    for (const file of ['report.html', 'junit.xml', 'summary.md'])
      expect(existsSync(join(out, file))).toBe(true);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="stale-version-mutation"');
    // The crossed config threshold is a failed test case and a line of the summary, not only an exit code.
    expect(junit).toMatch(
      /<testcase name="threshold latency\{op:mutate\} p\(99\)&lt;0\.0001"[^>]*>\s*<failure/,
    );
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(
      /thresholds crossed[\s\S]*Thresholds failed[\s\S]*latency\{op:mutate\} p\(99\)&lt;0\.0001/,
    );
  });

  it('thresholds that hold leave the exit code at 0', async () => {
    const { code, results } = await runWith({
      conflict_rate: ['rate<1'],
      'throughput{scenario:stale-version-mutation}': ['rate>1'],
    });
    expect(code).toBe(0);
    expect(results.runs[0].thresholds.every((t: { passed: boolean }) => t.passed)).toBe(true);
  });
});
