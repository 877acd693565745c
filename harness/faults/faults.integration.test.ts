/**
 * Each fault kind on real servers: it takes effect (operations turn `info`
 * during the window, latency rises, sessions are killed), the workers recover
 * after it, the correct variant still holds, and nothing stays broken.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { builtins } from '../../targets/index.ts';
import { postgresVersioning } from '../../targets/postgres-versioning/index.ts';
import { runEnvironment } from '../cli/environment.ts';
import { preflight } from '../cli/preflight.ts';
import { buildRegistry, selectRuns } from '../config/registry.ts';
import type { FaultSpec, FaultWindow } from '../core/fault-plan.ts';
import type { Operation } from '../core/history.ts';
import { loadOperations } from '../core/history.ts';
import type { RunResult } from '../core/results.ts';
import { runScenario } from '../core/runner.ts';
import type { ScenarioDefinition } from '../core/scenario.ts';
import { percentile } from '../core/stats.ts';
import { adminQuery, connectPostgres } from '../providers/db.ts';
import { createScratchDatabase } from '../providers/scratch-database.ts';
import { ServerPool } from '../providers/server-pool.ts';
import {
  describeWith,
  mariadbComponent,
  postgresComponent,
  toxiproxyComponent,
} from '../testing/components.ts';
import { faultActions } from './nemesis.ts';

const components = [await postgresComponent(), await mariadbComponent(), await toxiproxyComponent()];

describeWith(components, 'faults on real servers', () => {
  const pool = new ServerPool({ preference: 'process', urls: {} });
  const outDir = mkdtempSync(join(tmpdir(), 'faults-it-'));
  afterAll(() => pool.stopAll());

  const WINDOW = { startMs: 500, durationMs: 500 };
  async function runWithFault(
    fault: FaultSpec,
    timeoutMs = 250,
    durationMs = 1600,
  ): Promise<{ result: RunResult; operations: Operation[] }> {
    const scenario: ScenarioDefinition = {
      name: `fault-${fault.kind}${fault.toxic ? `-${fault.toxic.type}` : ''}`,
      description: 'test',
      target: postgresVersioning.name,
      workload: { workers: 4, keys: 3, durationMs, timeoutMs },
      faults: [fault],
    };
    const result = await runScenario(scenario, postgresVersioning, 'correct', runEnvironment(pool), {
      seed: 1,
      outDir,
    });
    expect(result.error).toBeUndefined();
    const operations = (await Promise.all(result.historyFiles.map(loadOperations))).flat();
    return { result, operations };
  }

  /** The single window of a run, and the operations before, inside and after it. */
  function split(result: RunResult, operations: Operation[]) {
    expect(result.faultWindows).toHaveLength(1);
    const window = result.faultWindows[0]!;
    const end = window.stoppedAt!;
    return {
      window,
      inside: operations.filter((o) => o.invokedAt <= end && o.completedAt >= window.startedAt),
      after: operations.filter((o) => o.invokedAt > end),
    };
  }

  function expectRecoveredAndValid(result: RunResult, after: Operation[]) {
    expect(after.filter((o) => o.outcome === 'ok').length).toBeGreaterThan(0);
    expect(result.verdict).toBe('valid');
  }

  it('kill-connection terminates every worker session; workers reconnect', async () => {
    const { result, operations } = await runWithFault({ kind: 'kill-connection', ...WINDOW });
    const { window, inside, after } = split(result, operations);
    expect(window.detail?.killed).toBe(4);
    expect(inside.filter((o) => o.outcome === 'info').length).toBeGreaterThanOrEqual(1);
    expectRecoveredAndValid(result, after);
  });

  it('kill-query cancels a running statement, which then surely did not happen (fail)', async () => {
    const server = await pool.get('postgres');
    const scratch = await createScratchDatabase(server);
    try {
      const client = await connectPostgres(scratch.info);
      const running = client.query('SELECT pg_sleep(10)').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      const window = { kind: 'kill-query', spec: { kind: 'kill-query' } } as FaultWindow;
      const detail = await faultActions['kill-query'].start(
        { sessions: { login: server.admin, database: scratch.info.database } },
        window,
      );
      expect(detail).toEqual({ cancelled: 1 });
      expect(((await running) as { code: string }).code).toBe('57014');
      expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1); // the session survives
      await client.end();
      // With no session left, a kill reaches nothing, and says so.
      const idle = await faultActions['kill-connection'].start(
        { sessions: { login: server.admin, database: scratch.info.database } },
        { ...window, kind: 'kill-connection' },
      );
      expect(idle).toEqual({
        killed: 0,
        reachedNothing: `no sessions on database ${scratch.info.database} to end`,
      });
    } finally {
      await scratch.drop();
    }
  });

  it('crash kills the server mid-run: in-flight calls are info, calls while it is down fail, it restarts', async () => {
    // A restart takes a few hundred ms, more on a busy machine: leave time after it to see recovery.
    const { result, operations } = await runWithFault({ kind: 'crash', ...WINDOW }, 250, 2600);
    const { inside, after } = split(result, operations);
    expect(inside.filter((o) => o.outcome === 'info').length).toBeGreaterThanOrEqual(1);
    expect(
      inside.filter((o) => o.outcome === 'fail' && o.error?.startsWith('reconnect failed')).length,
    ).toBeGreaterThanOrEqual(1);
    expectRecoveredAndValid(result, after);
  });

  it('pause freezes the server: calls run into the client timeout (info), then recover', async () => {
    const { result, operations } = await runWithFault({ kind: 'pause', ...WINDOW });
    const { inside, after } = split(result, operations);
    expect(
      inside.filter((o) => o.outcome === 'info' && o.error === 'client timeout after 250 ms').length,
    ).toBe(4);
    expectRecoveredAndValid(result, after);
  });

  it('network latency raises operation latency by at least the injected latency', async () => {
    const latency = 60;
    const { result, operations } = await runWithFault(
      { kind: 'network', ...WINDOW, toxic: { type: 'latency', attributes: { latency, jitter: 0 } } },
      2000,
    );
    const { inside, after } = split(result, operations);
    const median = (ops: Operation[]) =>
      percentile(
        ops
          .filter((o) => o.outcome !== 'info')
          .map((o) => o.completedAt - o.invokedAt)
          .sort((a, b) => a - b),
        50,
      );
    const whollyInside = inside.filter((o) => o.invokedAt >= result.faultWindows[0]!.startedAt + 5);
    expect(median(whollyInside)).toBeGreaterThanOrEqual(latency);
    expect(median(after)).toBeLessThan(latency / 2);
    expectRecoveredAndValid(result, after);
  });

  it('reset_peer resets the connections; workers reconnect afterwards', async () => {
    const { result, operations } = await runWithFault({
      kind: 'network',
      ...WINDOW,
      toxic: { type: 'reset_peer', attributes: { timeout: 0 } },
    });
    const { inside, after } = split(result, operations);
    expect(inside.filter((o) => o.outcome === 'info').length).toBeGreaterThanOrEqual(1);
    expectRecoveredAndValid(result, after);
  });

  it('down (proxy disabled) cuts the workers off until it is enabled again', async () => {
    const { result, operations } = await runWithFault({
      kind: 'network',
      ...WINDOW,
      toxic: { type: 'down' },
    });
    const { inside, after } = split(result, operations);
    expect(inside.filter((o) => o.outcome !== 'ok').length).toBeGreaterThanOrEqual(4);
    expectRecoveredAndValid(result, after);
  });

  it('limit_data closes connections after a few bytes', async () => {
    const { result, operations } = await runWithFault({
      kind: 'network',
      ...WINDOW,
      toxic: { type: 'limit_data', attributes: { bytes: 200 } },
    });
    const { inside, after } = split(result, operations);
    expect(inside.filter((o) => o.outcome === 'info').length).toBeGreaterThanOrEqual(1);
    expectRecoveredAndValid(result, after);
  });

  it('real Toxiproxy accepts every toxic with the attribute names the harness validates', async () => {
    const toxiproxy = await pool.toxiproxy();
    const proxy = await toxiproxy.client.createProxy({
      name: 'attribute-check',
      listen: '127.0.0.1:0',
      upstream: '127.0.0.1:9',
    });
    const toxics: Record<string, Record<string, number>> = {
      latency: { latency: 10, jitter: 1 },
      bandwidth: { rate: 100 },
      slow_close: { delay: 10 },
      timeout: { timeout: 10 },
      reset_peer: { timeout: 10 },
      slicer: { average_size: 16, size_variation: 4, delay: 10 },
      limit_data: { bytes: 100 },
    };
    for (const [type, attributes] of Object.entries(toxics)) {
      const toxic = await proxy.addToxic({
        name: type,
        type: type as never,
        stream: 'downstream',
        toxicity: 1,
        attributes,
      });
      expect(toxic.attributes).toEqual(attributes);
    }
    await proxy.remove();
  });

  it('heals a fault still active when the workload ends: the server is running and not paused afterwards', async () => {
    // Both windows outlast the 1 s run.
    const scenario: ScenarioDefinition = {
      name: 'fault-outlasts-run',
      description: 'test',
      target: postgresVersioning.name,
      workload: { workers: 2, keys: 1, durationMs: 1000, timeoutMs: 200 },
      faults: [
        { kind: 'pause', startMs: 300, durationMs: 60_000 },
        {
          kind: 'network',
          startMs: 200,
          durationMs: 60_000,
          toxic: { type: 'timeout', attributes: { timeout: 0 } },
        },
      ],
    };
    const started = Date.now();
    const result = await runScenario(scenario, postgresVersioning, 'correct', runEnvironment(pool), {
      seed: 1,
      outDir,
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.error).toBeUndefined();
    expect(result.faultWindows.every((w) => w.stoppedAt !== undefined)).toBe(true);
    const server = await pool.get('postgres');
    expect(server.control?.isPaused).toBe(false);
    await adminQuery(server.admin, ['SELECT 1']);
    const toxiproxy = await pool.toxiproxy();
    expect(Object.keys(await toxiproxy.client.getAll())).toEqual([]);
  });
});

describeWith([await postgresComponent()], 'fault preflight', () => {
  let pool: ServerPool;
  beforeAll(async () => {
    // A server the harness did not start: reach a running one through its URL.
    pool = new ServerPool({ preference: 'process', urls: {} });
  });
  afterAll(() => pool.stopAll());

  it('refuses a crash fault on a database given by URL, before anything runs', async () => {
    const own = await pool.get('postgres');
    const { connectionUrl } = await import('../core/database.ts');
    const urlPool = new ServerPool({ preference: 'url', urls: { postgres: connectionUrl(own.admin) } });
    const runs = selectRuns(buildRegistry(builtins, {}), { scenarios: ['stale-version-mutation-faults'] });
    await expect(preflight(runs, urlPool)).rejects.toThrow(
      /scenario stale-version-mutation-faults: the pause fault needs a database the harness starts itself \(--provider process\); Postgres at postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/postgres cannot be paused/,
    );
    await urlPool.stopAll();
  });
});
