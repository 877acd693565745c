import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryWriter, loadOperations } from './history.ts';
import { Random } from './rng.ts';
import {
  keyChooser,
  type OperationPlanner,
  planOperations,
  quotaOf,
  runWorkload,
  type WorkloadSpec,
} from './workload.ts';

const planner: OperationPlanner = ({ rng, chooseKey, worker, index }) => ({
  op: rng.chance(0.5) ? 'read' : 'write',
  args: { key: chooseKey(), token: `${worker}-${index}` },
});

const spec = (over: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
  workers: 3,
  pacing: { kind: 'closed' },
  opCount: 30,
  keys: { count: 10, distribution: 'uniform', hotFraction: 0.8 },
  seed: 99,
  ...over,
});

const tempHistory = () => new HistoryWriter(join(mkdtempSync(join(tmpdir(), 'workload-test-')), 'h.ndjson'));

describe('operation plan', () => {
  it('is the same for the same seed and differs for another seed', () => {
    expect(planOperations(spec(), planner, 1, 50)).toEqual(planOperations(spec(), planner, 1, 50));
    expect(planOperations(spec(), planner, 1, 50)).not.toEqual(
      planOperations(spec({ seed: 100 }), planner, 1, 50),
    );
    expect(planOperations(spec(), planner, 0, 50)).not.toEqual(planOperations(spec(), planner, 1, 50));
  });

  it('splits an operation count across workers exactly', () => {
    for (const [count, workers] of [
      [30, 3],
      [31, 3],
      [5, 8],
    ] as const) {
      const total = Array.from({ length: workers }, (_, w) => quotaOf(count, workers, w)).reduce(
        (a, b) => a + b,
        0,
      );
      expect(total).toBe(count);
    }
  });

  it('sends about the hot fraction of operations to key 0', () => {
    const choose = keyChooser({ count: 100, distribution: 'hot', hotFraction: 0.8 }, new Random(5));
    const draws = Array.from({ length: 10_000 }, choose);
    const hot = draws.filter((k) => k === 0).length / draws.length;
    expect(hot).toBeGreaterThan(0.77);
    expect(hot).toBeLessThan(0.83);
    expect(Math.max(...draws)).toBeLessThan(100);
  });
});

describe('runWorkload', () => {
  it('runs exactly the planned operations and records each as invoke + completion', async () => {
    const history = tempHistory();
    const seen: string[] = [];
    await runWorkload(spec(), {
      history,
      planner,
      execute: async (worker, planned) => {
        seen.push(`${worker}:${(planned.args as { token: string }).token}`);
        return planned.op === 'read' ? { outcome: 'ok', value: 1 } : { outcome: 'fail', error: 'conflict' };
      },
    });
    history.close();
    const ops = await loadOperations(history.path);
    expect(ops).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const plannedWorker0 = planOperations(spec(), planner, 0, 10).map((p) => p.op);
    expect(ops.filter((o) => o.worker === 0).map((o) => o.op)).toEqual(plannedWorker0);
    for (const o of ops) expect(o.outcome).toBe(o.op === 'read' ? 'ok' : 'fail');
  });

  it('paces each worker on its own ticker with its offset', async () => {
    const history = tempHistory();
    const rate = 40;
    const offset = 20;
    await runWorkload(
      spec({
        workers: 2,
        opCount: undefined,
        durationMs: 230,
        pacing: { kind: 'paced', rateMs: rate, offsetMs: offset },
      }),
      {
        history,
        planner,
        execute: async () => ({ outcome: 'ok' }),
      },
    );
    history.close();
    const ops = await loadOperations(history.path);
    for (const worker of [0, 1]) {
      const mine = ops.filter((o) => o.worker === worker);
      // worker w fires at w*offset + k*rate for k = 1, 2, ... while inside the 230 ms window
      const expected = Math.floor((230 - worker * offset - 1) / rate);
      expect(mine.length).toBe(expected);
      mine.forEach((o, k) => {
        // history time starts a hair before the workload does
        expect(Math.abs(o.intendedAt! - (worker * offset + (k + 1) * rate))).toBeLessThan(5);
        expect(o.invokedAt).toBeGreaterThanOrEqual(o.intendedAt!);
      });
    }
  });

  it('stops starting operations when the signal aborts', async () => {
    const history = tempHistory();
    const abort = new AbortController();
    let calls = 0;
    await runWorkload(spec({ opCount: undefined, durationMs: 60_000 }), {
      history,
      planner,
      signal: abort.signal,
      execute: async () => {
        if (++calls === 20) abort.abort();
        await new Promise((r) => setTimeout(r, 1));
        return { outcome: 'ok' };
      },
    });
    history.close();
    expect(calls).toBeGreaterThanOrEqual(20);
    expect(calls).toBeLessThan(25);
  });
});
