/**
 * At the start of a command that brings up servers: reap what killed runs of
 * the harness left on this machine (run-ledger.ts) and say what, one line
 * each, so nothing a killed run left goes unreported.
 */
import { type Leftovers, reapLeftovers } from '../providers/run-ledger.ts';

export function leftoverLines(found: Leftovers): string[] {
  const lines: string[] = [];
  if (found.killedProcesses.length > 0)
    lines.push(`killed ${found.killedProcesses.length} server(s) a killed run left running`);
  if (found.removedDirs.length > 0) {
    const megabytes = found.removedDirs.reduce((sum, dir) => sum + dir.bytes, 0) / 1e6;
    lines.push(
      `removed ${found.removedDirs.length} folder(s) a killed run left (${megabytes.toFixed(1)} MB)`,
    );
  }
  for (const db of found.databases)
    lines.push(
      `a killed run (pid ${db.owner}) left database ${db.database} on ${db.kind} ${db.host}:${db.port}: ` +
        'the next run against that server drops it, or drop it yourself',
    );
  return lines;
}

export function reapAndReport(): void {
  for (const line of leftoverLines(reapLeftovers())) process.stderr.write(`chaos: ${line}\n`);
}
