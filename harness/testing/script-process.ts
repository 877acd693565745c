/**
 * For tests that need a harness of their own to exit or kill: the TypeScript
 * of a small script, written into `dir`, and the Node arguments that run it
 * as `npm run chaos` runs the harness (one Node process with tsx's loader).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function scriptArgs(dir: string, source: string): string[] {
  const script = join(dir, 'script.mts');
  writeFileSync(script, source);
  return ['--import', 'tsx', script];
}
