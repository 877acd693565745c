/**
 * `isolation`: the anomaly probes at every isolation level of both
 * databases, as a table; then the txn workload at the same levels, with the
 * anomalies Elle's checkers found in it as a second table beside the first.
 * An anomaly the workload found where the probes say "prevented" fails the
 * command: a probe misses a way the level lets it through.
 */
import {
  contradictions,
  formatObservedTable,
  type ObservedAnomalies,
} from '../../properties/isolation/observed-anomalies.ts';
import { PROBES } from '../../properties/isolation/probes.ts';
import { formatIsolationTable, runIsolationProbes } from '../../properties/isolation/run-probes.ts';
import { printable } from '../../reports/printable.ts';
import { writeResults } from '../../reports/results-json.ts';
import type { ChaosConfig } from '../config/config.ts';
import { ExitCode } from '../core/errors.ts';
import type { ProbeResult, SuiteResults } from '../core/results.ts';
import { newResults, onInterrupt, outDirOf, seedOf, serverPoolOf } from './common.ts';
import { chaosCommand } from './invocation.ts';
import type { IsolationOptions } from './options.ts';
import { observeTxnAnomalies } from './txn-anomalies.ts';

/** How long the txn workload runs at each level unless --duration says. */
const TXN_DURATION_MS = 2000;

/** `isolation`: which anomalies each isolation level of Postgres and MariaDB prevents, probed for real. */
export async function isolationCommand(options: IsolationOptions, config: ChaosConfig): Promise<number> {
  const outDir = outDirOf(options, 'isolation-', { keep: config.run?.keep });
  const pool = serverPoolOf(options, config);
  const seed = seedOf(options, config);
  const probed: ProbeResult[] = [];
  const observed: ObservedAnomalies[] = [];
  const results: SuiteResults = {
    ...newResults(seed, `${chaosCommand()} isolation --seed ${seed}`),
    passed: true,
    isolation: probed,
  };
  const abort = new AbortController();
  // Each verdict and run is kept as it comes, so an interrupt writes the ones already done.
  const stopHandlingInterrupts = onInterrupt(() => {
    results.interrupted = true;
    results.passed = false;
    results.exitCode = ExitCode.interrupted;
    writeResults(outDir, results);
  }, abort);
  try {
    console.log(
      `isolation probes: ${PROBES.map((p) => p.name)
        .filter((n, i, all) => all.indexOf(n) === i)
        .join(', ')}`,
    );
    await runIsolationProbes(
      ['postgres', 'mariadb'],
      pool,
      (r) => {
        probed.push(r);
        const subCase = r.subCase ? ` (${r.subCase})` : '';
        process.stdout.write(`  ${r.database} ${r.level} ${r.probe}${subCase}: ${r.verdict} (${r.detail})\n`);
      },
      abort.signal,
    );
    console.log(`\n${formatIsolationTable(probed)}`);
    const durationMs = options.durationMs ?? TXN_DURATION_MS;
    console.log(
      `\ntxn workload (list-append and rw-register), ${durationMs} ms at each level, seed ${seed}:`,
    );
    await observeTxnAnomalies(
      ['postgres', 'mariadb'],
      pool,
      { seed, outDir, durationMs, signal: abort.signal },
      (run, seen) => {
        results.runs.push(run);
        observed.push(seen);
        const found = [...seen.anomalies].map(([name, count]) => `${name} ${count}`).join(', ') || 'none';
        process.stdout.write(
          `  ${seen.database} ${seen.level}: ${run.verdict}, ${seen.transactions} transactions; anomalies: ${found}\n`,
        );
      },
    );
    results.servers = await pool.describe();
  } finally {
    await pool.stopAll();
    stopHandlingInterrupts();
  }
  results.finishedAt = new Date().toISOString();
  console.log(`\n${formatObservedTable(observed)}`);
  const contradicted = contradictions(probed, observed);
  const failedRuns = results.runs.filter((r) => !r.passed);
  for (const line of contradicted) console.log(`contradiction: ${printable(line)}`);
  for (const run of failedRuns)
    console.log(`txn run failed: ${run.scenario} / ${run.variant}: ${run.error ?? `verdict ${run.verdict}`}`);
  results.interrupted = abort.signal.aborted;
  results.passed = !results.interrupted && contradicted.length === 0 && failedRuns.length === 0;
  results.exitCode = results.interrupted
    ? ExitCode.interrupted
    : results.passed
      ? ExitCode.ok
      : ExitCode.checksFailed;
  if (contradicted.length > 0)
    results.error = `the txn workload contradicts the probes: ${contradicted.join('; ')}`;
  console.log(`results: ${writeResults(outDir, results)}`);
  return results.exitCode;
}
