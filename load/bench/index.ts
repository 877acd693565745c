/**
 * `npm run bench`: what does the harness cost a user? Each measurement runs
 * the harness and a reference in paired, alternating rounds on the same
 * servers, and is judged on the geometric mean of the rounds' own
 * harness/reference ratios (its 95% interval printed beside it):
 *
 * - sql, Postgres (postgres.ts) and MariaDB (mariadb.ts): the harness driving
 *   the target against a bare loop of the same driver doing the same
 *   transaction (bare-loops.ts); goal 0.95. pgbench and mariadb-slap run in
 *   the same rounds, shown as context.
 * - http (http.ts): the harness against wrk on the saga's POST /orders;
 *   goal 0.9. k6 as context.
 * - memory (memory.ts): peak RSS recording 1,000,000 operations under 256 MB,
 *   and that run's HTML report under 5 MB.
 * - linearizability (linearizability.ts): the linearizability checker against
 *   Porcupine on the same histories, same verdicts; goal >= 1.0 on time.
 * - list-append (list-append-scaling.ts): the transactional checker on 10^4 to
 *   10^6 transactions: time, peak RSS, linear growth.
 * - schedules (schedules.ts): PCT against uniform random schedules, cases to
 *   the first failure of every scheduled broken variant over 20 seeds.
 * - mutation (mutation.ts): `chaos mutate` on every built-in SQL target, its
 *   mutation score; the hand-written broken variants' equivalents caught.
 * - detection (detection.ts): the detection matrix over 20 seeds
 *   (BENCH_DETECTION_SEEDS; BENCH_DETECTION=all for every scenario).
 *
 * BENCH_ONLY=postgres,mariadb,http,memory picks some; BENCH_ROUNDS and
 * BENCH_SECONDS set the length (settings.ts reads and checks them all). Exit
 * code 0 when every goal is met, 1 otherwise, 2 for a malformed setting.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exitCodeOf } from '../../harness/core/errors.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { detectionOverSeeds } from './detection.ts';
import { httpPlaceOrder } from './http.ts';
import { linearizabilityAgainstPorcupine } from './linearizability.ts';
import { listAppendScaling } from './list-append-scaling.ts';
import { mariadbUpsertOnAlternateKey } from './mariadb.ts';
import { memoryOfOneMillionOperations } from './memory.ts';
import { mutationScores } from './mutation.ts';
import { postgresVersionedUpdate } from './postgres.ts';
import { pctAgainstRandomSchedules } from './schedules.ts';
import { type BenchPart, type BenchSettings, benchSettings, WORKERS } from './settings.ts';
import { type BenchResult, exitCodeOfResults, formatTable, isContext, met } from './table.ts';

const settings = ((): BenchSettings => {
  try {
    return benchSettings(process.env, WORKERS);
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    process.exit(exitCodeOf(error)); // before any server starts: nothing to clean up
  }
})();

/**
 * Memory first: its figure is the process's peak RSS, which should be the
 * recording's, not what the throughput parts (servers' clients, histories read
 * back for checking) left in the heap before it (measured: 166 MB run first, 236 MB run last).
 */
const RUN_ORDER: BenchPart[] = [
  'memory',
  'postgres',
  'mariadb',
  'http',
  'linearizability',
  'list-append',
  'schedules',
  'mutation',
  'detection',
];

async function main(): Promise<number> {
  // The bench opts in to SCHED_BATCH for the servers it starts: a server woken by a query then does not
  // preempt the client that sent it, so on a small machine the figures measure the clients, not the
  // scheduler's wakeup choices. Chaos runs keep the normal policy (harness/providers/select.ts).
  const pool = new ServerPool({ preference: 'auto', urls: {}, batchScheduling: true });
  const results: BenchResult[] = [];
  const parts = {
    postgres: () => postgresVersionedUpdate(pool, settings),
    mariadb: () => mariadbUpsertOnAlternateKey(pool, settings),
    http: () => httpPlaceOrder(pool, settings),
    memory: () => memoryOfOneMillionOperations(),
    linearizability: async () => linearizabilityAgainstPorcupine(settings),
    'list-append': async () => listAppendScaling(),
    schedules: () => pctAgainstRandomSchedules(pool),
    mutation: () => mutationScores(pool),
    detection: () => detectionOverSeeds(pool, settings.detection),
  };
  const chosen = RUN_ORDER.filter((part) => settings.only.includes(part));
  try {
    console.log(`bench: ${settings.rounds} rounds of ${settings.seconds} s each (${chosen.join(', ')})`);
    for (const part of chosen) {
      console.log(`${part}:`);
      results.push(...(await parts[part]()));
    }
  } finally {
    await pool.stopAll();
  }
  console.log(`\n${formatTable(results)}\n`);
  const outDir = resolve(settings.outDir);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'bench.json');
  const { rounds, seconds, maxSteal, upserts } = settings;
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        settings: { rounds, seconds, maxSteal, upserts },
        // met: null for a context row, which is never judged.
        results: results.map((r) => ({ ...r, met: isContext(r) ? null : met(r) })),
      },
      null,
      2,
    )}\n`,
  );
  const code = exitCodeOfResults(results);
  console.log(`bench results: ${file}`);
  console.log(code === 0 ? 'bench: every goal met' : 'bench: a goal was NOT met');
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
