/**
 * HTTP: autocannon driving the saga orchestrator's POST /orders through the
 * harness (16 connections, history on, every order new) against `wrk` sending
 * the same request with the same connections: the goal. k6 running the
 * harness's exported script on the same endpoint is shown beside as context.
 *
 * The four saga services get faster for a while after they start (JIT,
 * connection pools, caches), so one double-length harness run warms them
 * first, not counted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryWriter } from '../../harness/core/history.ts';
import { type HttpInterface, requestContextOf } from '../../harness/core/target.ts';
import { ownedTempDir } from '../../harness/providers/owned.ts';
import { createScratchDatabase } from '../../harness/providers/scratch-database.ts';
import type { ServerPool } from '../../harness/providers/server-pool.ts';
import { orderRequestSource, saga } from '../../targets/saga/index.ts';
import { runAutocannon } from '../autocannon-load.ts';
import { k6ScriptFor } from '../drive-load.ts';
import { runK6 } from '../k6/run.ts';
import { pairedRounds, type Tool } from './rounds.ts';
import type { BenchSettings } from './settings.ts';
import { type BenchResult, goalAndContext } from './table.ts';
import { runWrk } from './wrk.ts';

const CONNECTIONS = 16;
export const HTTP_GOAL = 0.9;
const KEYS = { count: 1, distribution: 'uniform', hotFraction: 0 } as const;

export async function httpPlaceOrder(pool: ServerPool, settings: BenchSettings): Promise<BenchResult[]> {
  const { seconds } = settings;
  const scratch = await createScratchDatabase(await pool.get('postgres'));
  const base = { database: scratch.info, variant: 'correct', seed: 1, keys: 1 };
  const outDir = ownedTempDir('chaos-bench-http-');
  const ctx = { ...base, env: await saga.setup(base) };
  try {
    // Every request a new order, as wrk's are: no repeated keys (a repeat is a cheap replay).
    const http: HttpInterface = {
      ...saga.http!,
      requestSource: orderRequestSource({ repeats: false }),
    };
    const baseUrl = http.baseUrl(ctx);
    const harnessRun = async (seed: number, runSeconds: number) => {
      const history = new HistoryWriter(join(outDir, `history-${seed}.ndjson`));
      try {
        const load = await runAutocannon({
          baseUrl,
          http,
          requestContext: requestContextOf(http, ctx),
          connections: CONNECTIONS,
          durationMs: runSeconds * 1000,
          timeoutMs: 10_000,
          seed,
          correctCoordinatedOmission: true,
          history,
        });
        return load.requestsPerSecond;
      } finally {
        history.close();
      }
    };
    /** k6's script for one round: a seed of its own, so no round replays another's orders (a replay is cheap). */
    const k6ScriptOfRound = (round: number) => {
      const script = join(outDir, `bench-${round}.k6.ts`);
      writeFileSync(
        script,
        k6ScriptFor({
          scenario: 'bench',
          http,
          requestContext: requestContextOf(http, ctx),
          load: { engine: 'k6' },
          spec: {
            workers: CONNECTIONS,
            pacing: { kind: 'closed' },
            durationMs: seconds * 1000,
            keys: KEYS,
            seed: 100_000 + round,
          },
          timeoutMs: 10_000,
          baseUrl,
        }),
      );
      return script;
    };
    const tools: Tool[] = [
      { name: 'harness (autocannon)', run: (round) => harnessRun(round + 1, seconds) },
      {
        name: 'wrk',
        run: async () =>
          (await runWrk(baseUrl, { connections: CONNECTIONS, seconds, threads: 2 })).requestsPerSecond,
      },
      {
        name: 'k6',
        context: true,
        run: async (round) =>
          (
            await runK6({
              scriptPath: k6ScriptOfRound(round),
              baseUrl,
              segments: 1,
              outDir,
              connections: CONNECTIONS,
              thresholds: {},
              expectedStatuses: http.expectedStatuses,
            })
          ).requestsPerSecond,
      },
    ];
    const warmed = await harnessRun(1000, seconds * 2);
    console.log(`  warm-up: harness ${warmed.toFixed(0)} req/s over ${seconds * 2} s (not counted)`);
    const unit = 'req/s';
    const rounds = await pairedRounds(tools, { rounds: settings.rounds, maxSteal: settings.maxSteal, unit });
    return goalAndContext(`http: saga POST /orders (${CONNECTIONS} connections, history on)`, rounds, {
      harness: 'harness (autocannon)',
      reference: 'wrk',
      context: 'k6',
      unit,
      goal: HTTP_GOAL,
      noContext: 'no k6 round',
    });
  } finally {
    await saga.teardown?.(ctx);
    await scratch.drop();
  }
}
