/** `isolation`: the anomaly probes at every isolation level of both databases, as a table. */
import { PROBES } from '../../properties/isolation/probes.ts';
import { formatIsolationTable, runIsolationProbes } from '../../properties/isolation/run-probes.ts';
import { type SuiteResults, writeResults } from '../../reports/results-json.ts';
import type { ChaosConfig } from '../config.ts';
import { ExitCode } from '../errors.ts';
import { newResults, outDirOf, serverPoolOf } from './common.ts';
import type { CliOptions } from './options.ts';

/** `isolation`: which anomalies each isolation level of Postgres and MariaDB prevents, probed for real. */
export async function isolationCommand(options: CliOptions, config: ChaosConfig): Promise<number> {
  const outDir = outDirOf(options, 'isolation-');
  const pool = serverPoolOf(options, config);
  const results: SuiteResults = {
    ...newResults(0, 'npm run chaos -- isolation'),
    passed: true,
    isolation: [],
  };
  try {
    console.log(`isolation probes: ${PROBES.map((p) => p.name).join(', ')}`);
    results.isolation = await runIsolationProbes(['postgres', 'mariadb'], pool, (r) =>
      process.stdout.write(`  ${r.database} ${r.level} ${r.probe}: ${r.verdict} (${r.detail})\n`),
    );
    results.servers = await pool.describe();
  } finally {
    await pool.stopAll();
  }
  results.finishedAt = new Date().toISOString();
  results.exitCode = ExitCode.ok;
  console.log(`\n${formatIsolationTable(results.isolation ?? [])}`);
  console.log(`results: ${writeResults(outDir, results)}`);
  return ExitCode.ok;
}
