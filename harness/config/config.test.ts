import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtins } from '../../targets/index.ts';
import { mariadbUpsert } from '../../targets/mariadb-upsert/index.ts';
import { UsageError } from '../core/errors.ts';
import { loadConfig, validateConfig } from './config.ts';
import { buildRegistry, selectRuns } from './registry.ts';

describe('config validation', () => {
  it('accepts a config with a target, scenario, providers and run defaults', () => {
    const config = validateConfig(
      {
        targets: [{ ...mariadbUpsert, name: 'my-upsert' }],
        scenarios: [
          { name: 'mine', description: 'd', target: 'my-upsert', workload: { workers: 2, durationMs: 100 } },
        ],
        providers: { default: 'process' },
        run: { seed: 3, duration: '2s' },
      },
      'test',
    );
    expect(config.scenarios?.[0]?.name).toBe('mine');
  });

  it('names each bad field', () => {
    const attempt = () =>
      validateConfig(
        {
          run: { workers: 0, duration: 'soon' },
          scenarios: [{ name: 'Bad Name', description: 'x', target: 't', workload: { wokers: 2 } }],
        },
        'chaos.config.ts',
      );
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/run\.workers/);
    expect(attempt).toThrow(/scenarios\.0\.name/);
    expect(attempt).toThrow(/scenarios\.0\.workload: Unrecognized key\(s\) in object: 'wokers'/);
  });

  it('requires a variant that must hold, or none at all (the target then has one, as-is)', () => {
    const { correct: _omit, ...variants } = mariadbUpsert.variants;
    expect(() => validateConfig({ targets: [{ ...mariadbUpsert, variants }] }, 'c')).toThrow(
      /targets\.0\.variants: needs a variant that must hold \(broken: false\)/,
    );
    const { variants: _none, ...asIs } = mariadbUpsert;
    expect(validateConfig({ targets: [asIs] }, 'c').targets).toHaveLength(1);
  });

  it('needs a database or a service, and only loopback URLs for a service', () => {
    const { database: _db, ...noDatabase } = mariadbUpsert;
    expect(() => validateConfig({ targets: [noDatabase] }, 'c')).toThrow(
      /needs a database \(mariadb or postgres\) or a service \(command or url\)/,
    );
    expect(
      validateConfig({ targets: [{ ...noDatabase, service: { command: 'python3' } }] }, 'c').targets,
    ).toHaveLength(1);
    expect(() =>
      validateConfig({ targets: [{ ...noDatabase, service: { url: 'http://10.0.0.5:8080' } }] }, 'c'),
    ).toThrow(/c: targets\.0\.service\.url: 10\.0\.0\.5 is not a loopback address/);
    expect(() =>
      validateConfig(
        {
          targets: [
            { ...noDatabase, service: { command: 'x', databaseUrl: 'postgres://u:p@db.example.com/app' } },
          ],
        },
        'c',
      ),
    ).toThrow(/service\.databaseUrl: db\.example\.com is not a loopback address/);
  });

  it("accepts a scenario's load, and names a bad engine", () => {
    const scenario = { name: 's', description: 'd', target: 't', workload: {}, load: { engine: 'k6' } };
    expect(validateConfig({ scenarios: [scenario] }, 'c').scenarios).toHaveLength(1);
    expect(() => validateConfig({ scenarios: [{ ...scenario, load: { engine: 'wrk' } }] }, 'c')).toThrow(
      /scenarios\.0\.load\.engine/,
    );
  });

  it('reports a config file that does not load or has no default export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
    writeFileSync(join(dir, 'broken.config.ts'), 'export default {{{');
    writeFileSync(join(dir, 'empty.config.ts'), 'export const x = 1;');
    await expect(loadConfig('broken.config.ts', dir)).rejects.toThrow(/could not load broken\.config\.ts/);
    await expect(loadConfig('empty.config.ts', dir)).rejects.toThrow(/no default export/);
    await expect(loadConfig('missing.config.ts', dir)).rejects.toThrow(/config file not found/);
    await expect(loadConfig(undefined, dir)).resolves.toEqual({ config: {} });
  });
});

describe('selection', () => {
  const registry = buildRegistry(builtins, {});

  it('runs every variant of every scenario by default', () => {
    const runs = selectRuns(registry, {});
    expect(runs.map((r) => `${r.scenario.name}/${r.variant}`)).toEqual([
      'concurrent-create/correct',
      'concurrent-create/select-then-insert',
      'stale-version-mutation/correct',
      'stale-version-mutation/blind-update',
      'timing-grid/correct',
      'timing-grid/blind-update',
      'fk-missing-employee/correct',
      'fk-missing-employee/no-foreign-key',
      'stale-version-mutation-faults/correct',
      'stale-version-mutation-faults/blind-update',
      'concurrent-create-faults/correct',
      'concurrent-create-faults/select-then-insert',
      'fk-missing-employee-faults/correct',
      'fk-missing-employee-faults/no-foreign-key',
      'mariadb-durability-crash/correct',
      'mariadb-durability-crash/flush-log-once-a-second',
      'postgres-durability-crash/correct',
      'postgres-durability-crash/async-commit-no-fsync',
      'transfer-deadlock-retry/correct',
      'transfer-deadlock-retry/retry-last-statement',
      'saga-orders/correct',
      'saga-orders/no-compensation',
      'saga-orders/non-idempotent',
      'saga-orders/no-saga-log',
      'cross-service-delete/correct',
      'cross-service-delete/publish-outside-tx',
      'cross-service-delete/fire-and-forget-delete',
      'cross-service-delete/consumer-no-dedup',
      'saga-orders-load/correct',
      'saga-orders-faults/correct',
      'saga-orders-faults/no-saga-log',
      'postgres-txn-anomalies/read-committed',
      'postgres-txn-anomalies/repeatable-read',
      'postgres-txn-anomalies/serializable',
      'postgres-txn-anomalies/reads-outside-transaction',
      'mariadb-txn-anomalies/read-uncommitted',
      'mariadb-txn-anomalies/read-committed',
      'mariadb-txn-anomalies/repeatable-read',
      'mariadb-txn-anomalies/serializable',
      'mariadb-txn-anomalies/reads-outside-transaction',
      'postgres-txn-anomalies-faults/repeatable-read',
      'postgres-txn-anomalies-faults/serializable',
      'postgres-txn-anomalies-faults/reads-outside-transaction',
      'mariadb-txn-anomalies-faults/read-committed',
      'mariadb-txn-anomalies-faults/serializable',
      'mariadb-txn-anomalies-faults/reads-outside-transaction',
      'versioned-retry/retry-with-backoff',
      'versioned-retry/retry-stale-value',
      'versioned-retry-faults/retry-with-backoff',
      'versioned-retry-faults/retry-stale-value',
      'event-store-commands/correct',
      'event-store-commands/no-expected-version',
      'event-store-commands/racy-snapshot',
      'event-store-commands-faults/correct',
      'event-store-commands-faults/no-expected-version',
      'event-store-commands-faults/racy-snapshot',
      'cqrs-read-model/correct',
      'cqrs-read-model/double-apply',
      'cqrs-read-model/unordered',
      'cqrs-read-model/ignores-min-version',
      'cqrs-read-model-faults/correct',
      'cqrs-read-model-faults/double-apply',
      'cqrs-read-model-faults/ignores-min-version',
      'saga-timeouts/correct',
      'saga-timeouts/no-timeout',
      'choreographed-saga/correct',
      'choreographed-saga/no-compensation-handler',
      'choreographed-saga/consumer-no-dedup',
      'choreographed-saga/publish-outside-tx',
      'choreographed-saga-faults/correct',
      'choreographed-saga-faults/publish-outside-tx',
      'replicated-kv-writes/lww-hlc',
      'replicated-kv-writes/first-write-wins',
      'replicated-kv-writes/field-merge',
      'replicated-kv-writes/manual',
      'replicated-kv-clock-skew/lww-hlc',
      'replicated-kv-clock-skew/first-write-wins',
      'replicated-kv-clock-skew/field-merge',
      'replicated-kv-clock-skew/manual',
      'replicated-kv-clock-skew/lww-wall-clock',
    ]);
  });

  it('filters by scenario, target and variant', () => {
    expect(
      selectRuns(registry, { targets: ['postgres-versioning'], variants: ['correct'] }).map(
        (r) => r.scenario.name,
      ),
    ).toEqual(['stale-version-mutation', 'timing-grid', 'stale-version-mutation-faults']);
  });

  it('names the valid choices for an unknown name', () => {
    expect(() => selectRuns(registry, { scenarios: ['nope'] })).toThrow(
      /unknown scenario "nope" \(known: concurrent-create, /,
    );
    expect(() => selectRuns(registry, { variants: ['<script>'] })).toThrow(/unknown variant "<script>"/);
  });

  it('refuses faults in a scenario that has no duration to schedule them in', () => {
    const scenario = {
      name: 'counted',
      description: 'x',
      target: 'postgres-versioning',
      workload: { opCount: 100 },
      faults: [{ kind: 'crash' as const }],
    };
    expect(() => buildRegistry(builtins, { scenarios: [scenario] })).toThrow(
      /scenario counted: faults are scheduled in time/,
    );
  });

  it('gives a user target without scenarios a default scenario of its own name', () => {
    const withUser = buildRegistry(builtins, { targets: [{ ...mariadbUpsert, name: 'user-target' }] });
    expect(withUser.scenarios.get('user-target')?.target).toBe('user-target');
  });
});

describe('loading a config with a syntax error', () => {
  it('names the file, the line, the column and the cause (the CLI as a user runs it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-config-syntax-'));
    const file = join(dir, 'chaos.config.ts');
    writeFileSync(file, 'export default {\n  run: { seed: 1,, },\n};\n');
    const cli = join(import.meta.dirname, '..', 'cli', 'main.ts');
    const failed = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      cli,
      'list',
      '--config',
      file,
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain(
      `error: could not load ${file}: ${file}:2:17: ERROR: Expected identifier but found ","\n`,
    );
  });
});
