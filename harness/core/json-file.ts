/** Writing a JSON record that others may read at any moment. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
