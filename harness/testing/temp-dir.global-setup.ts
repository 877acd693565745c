/**
 * vitest global setup: the whole test run gets one temp directory of its
 * own, the TMPDIR of every test process and of what they start, removed when
 * the run ends. Tests make many scratch folders (histories, reports, server
 * data directories, k6 scripts); removing them in one place means none is
 * left behind in /tmp, where they used to pile up at about 50 MB a run.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'chaos-tests-'));
  chmodSync(dir, 0o755); // the database servers run as their own users when the tests run as root
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    // A server stopped a moment ago may still be writing its last files: retry, and never fail
    // the run over a folder left in /tmp.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    } catch (error) {
      console.warn(`could not remove the tests' temp directory ${dir}: ${(error as Error).message}`);
    }
  };
}
