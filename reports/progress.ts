/**
 * The live progress line of a long run in a terminal: which run of how many,
 * elapsed / planned time, operations per second, violations found so far in
 * the suite, and the fault active right now. Redrawn in place on a TTY;
 * nothing at all when the output is not a terminal or NO_COLOR / CI is set
 * (those get the plain per-scenario tables only).
 */
import type { RunProgress } from '../harness/core/run-settings.ts';
import { printable } from './printable.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function formatProgress(
  progress: RunProgress,
  suite: { index: number; total: number; violationsSoFar: number },
): string {
  const rate = progress.elapsedMs > 0 ? (progress.operations * 1000) / progress.elapsedMs : 0;
  const parts = [
    // Names come from configs: escaped, so they can neither move the cursor nor break the line.
    `[${suite.index + 1}/${suite.total}] ${printable(progress.scenario)} / ${printable(progress.variant)}`,
    progress.totalMs === undefined
      ? seconds(progress.elapsedMs)
      : `${seconds(Math.min(progress.elapsedMs, progress.totalMs))}/${seconds(progress.totalMs)}`,
    `${rate.toFixed(0)} ops/s`,
    `${suite.violationsSoFar} violations so far`,
  ];
  if (progress.activeFaults.length > 0) parts.push(`fault: ${printable(progress.activeFaults.join(', '))}`);
  return parts.join('  ');
}

/** Draws the line in place; `clear()` before printing anything else. */
export class ProgressLine {
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {}

  draw(text: string): void {
    const width = this.stream.columns ? this.stream.columns - 1 : 120;
    this.stream.write(`\r\u001b[2K${text.slice(0, width)}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\u001b[2K');
    this.shown = false;
  }
}
