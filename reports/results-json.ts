/**
 * `results.json`: the machine-readable record of a suite run. Rewritten after
 * every scenario (atomically, via a temp file and rename) so an interrupted or
 * crashed run still leaves everything it finished on disk. The other records
 * (sweep.json, property.json) are written the same way.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SuiteResults } from '../harness/core/results.ts';

export function writeResults(outDir: string, results: SuiteResults): string {
  return writeJsonFile(join(outDir, 'results.json'), results);
}

/**
 * Write `value` as JSON to `path` (its folder made if needed) through a temp
 * file and a rename, so a crash mid-write leaves the previous version whole,
 * never half a file. Returns the path.
 */
export function writeJsonFile(path: string, value: unknown): string {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temp, path);
  return path;
}
