/**
 * `results.json`: the machine-readable record of a suite run. Rewritten after
 * every scenario (atomically, via a temp file and rename) so an interrupted or
 * crashed run still leaves everything it finished on disk. The other records
 * (sweep.json, property.json) are written the same way.
 */
import { join } from 'node:path';
import { writeJsonFile } from '../harness/core/json-file.ts';
import type { SuiteResults } from '../harness/core/results.ts';

export function writeResults(outDir: string, results: SuiteResults): string {
  return writeJsonFile(join(outDir, 'results.json'), results);
}
