/**
 * The programmatic API on a real Postgres: runScenario starts its server,
 * runs the built-in postgres-versioning target's variants, returns their
 * results with the operations that prove each violation, writes
 * results.json, and leaves no server running.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defineConfig, runScenario } from '../index.ts';
import { describeWith, postgresComponent } from '../testing/components.ts';
import { processesOfThisRun } from '../testing/run-processes.ts';
import '../vitest.ts';

const components = [await postgresComponent()];

describeWith(components, 'runScenario', () => {
  const config = defineConfig({});
  const options = { scenario: 'stale-version-mutation', durationMs: 500, seed: 3 } as const;

  it('the correct variant holds, with its results written and its server stopped', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'api-'));
    const results = await runScenario(config, { ...options, variant: 'correct', outDir });
    expect(results).toHold();
    expect(results.runs.map((r) => r.variant)).toEqual(['correct']);
    expect(results.runs[0]!.summary.operations).toBeGreaterThan(0);
    expect(results).toMatchObject({ seed: 3, passed: true, exitCode: 0, outDir });
    expect(results.replay).toBe(
      'runScenario(config, {"scenario":"stale-version-mutation","durationMs":500,"seed":3,"variant":"correct"})',
    );
    const written = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
    expect(written.runs[0].verdict).toBe('valid');
    expect(existsSync(results.runs[0]!.historyFiles[0]!)).toBe(true);
    expect(processesOfThisRun(/chaos-postgres-/)).toEqual([]);
  });

  it('blind-update is caught; its proofs are the operations the history recorded', async () => {
    const results = await runScenario(config, {
      ...options,
      variant: 'blind-update',
      outDir: mkdtempSync(join(tmpdir(), 'api-')),
    });
    expect(results).toBeCaught();
    expect(() => expect(results).toHold()).toThrow(/#\d+ worker \d+ \w+\(.*\) -> ok/);
    const [run] = results.runs;
    const proof = run!.proofs[0]!;
    const violation = run!.checks.flatMap((c) => c.violations)[0]!;
    expect(proof.message).toBe(violation.message);
    expect(proof.operations.map((o) => o.id)).toEqual(violation.operations.slice(0, proof.operations.length));
    expect(processesOfThisRun(/chaos-postgres-/)).toEqual([]);
  });

  it('refuses an unknown scenario before starting anything', async () => {
    await expect(runScenario(config, { scenario: 'no-such-scenario' })).rejects.toThrow(
      /unknown scenario "no-such-scenario"/,
    );
  });
});
