/** `isolation`: the anomaly probes at every isolation level of both databases, as a table. */
import { PROBES } from '../../properties/isolation/probes.ts';
import { formatIsolationTable, runIsolationProbes } from '../../properties/isolation/run-probes.ts';
import { writeResults } from '../../reports/results-json.ts';
import type { ChaosConfig } from '../config/config.ts';
import { ExitCode } from '../core/errors.ts';
import type { ProbeResult, SuiteResults } from '../core/results.ts';
import { newResults, onInterrupt, outDirOf, serverPoolOf } from './common.ts';
import { chaosCommand } from './invocation.ts';
import type { IsolationOptions } from './options.ts';

/** `isolation`: which anomalies each isolation level of Postgres and MariaDB prevents, probed for real. */
export async function isolationCommand(options: IsolationOptions, config: ChaosConfig): Promise<number> {
  const outDir = outDirOf(options, 'isolation-', { keep: config.run?.keep });
  const pool = serverPoolOf(options, config);
  const probed: ProbeResult[] = [];
  const results: SuiteResults = {
    ...newResults(0, `${chaosCommand()} isolation`),
    passed: true,
    isolation: probed,
  };
  // Each probe's verdict is kept as it comes, so an interrupt writes the ones already probed.
  const stopHandlingInterrupts = onInterrupt(() => {
    results.interrupted = true;
    results.passed = false;
    results.exitCode = ExitCode.interrupted;
    writeResults(outDir, results);
  });
  try {
    console.log(`isolation probes: ${PROBES.map((p) => p.name).join(', ')}`);
    await runIsolationProbes(['postgres', 'mariadb'], pool, (r) => {
      probed.push(r);
      process.stdout.write(`  ${r.database} ${r.level} ${r.probe}: ${r.verdict} (${r.detail})\n`);
    });
    results.servers = await pool.describe();
  } finally {
    await pool.stopAll();
    stopHandlingInterrupts();
  }
  results.finishedAt = new Date().toISOString();
  results.exitCode = ExitCode.ok;
  console.log(`\n${formatIsolationTable(probed)}`);
  console.log(`results: ${writeResults(outDir, results)}`);
  return ExitCode.ok;
}
