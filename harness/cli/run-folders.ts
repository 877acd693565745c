/**
 * Run folders over time. A default folder (`chaos-report/<prefix><time>`)
 * joins the runs kept beside it: only the newest `keep` stay, and the
 * histories of the finished ones among them are gzipped (readHistory reads
 * them back, so `chaos report` still draws every drill-down). A folder named
 * with --out (or the config's `run.out`) that already holds a run is refused,
 * unless --overwrite clears the harness's files from it first: old histories
 * never mix with new.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shown, UsageError } from '../core/errors.ts';
import { compressHistoryFile } from '../core/history.ts';

/** Runs kept in the default report folder unless --keep says otherwise (0 keeps every run). */
export const DEFAULT_KEEP = 10;

/** What a run writes into its folder; all of it, and nothing else, is what --overwrite clears. */
export const RUN_ARTIFACTS = [
  'results.json',
  'report.html',
  'junit.xml',
  'summary.md',
  'histories',
  'load',
  'sweep.json',
  'sweep.html',
  'property.json',
] as const;

/** A report a command writes once it has finished: its histories are complete then. */
const FINISHED_MARKERS = ['report.html', 'sweep.html'];

/** `<prefix><ISO time with : and . as ->`: how a default run folder is named. */
const RUN_FOLDER = /^[A-Za-z0-9._-]*?(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)$/;

/** The time part of a default run folder's name, sortable as text; undefined for other names. */
function stampOf(name: string): string | undefined {
  return RUN_FOLDER.exec(name)?.[1];
}

/** The artifacts of an earlier run in `dir`. */
export function artifactsIn(dir: string): string[] {
  return RUN_ARTIFACTS.filter((name) => existsSync(join(dir, name)));
}

/**
 * For an explicit output folder: refuse one that holds a run, or with
 * `overwrite` remove that run's files (only those: the folder may hold the user's own).
 */
export function claimOutFolder(dir: string, overwrite: boolean, flag = '--out'): void {
  const earlier = artifactsIn(dir);
  if (earlier.length === 0) return;
  if (!overwrite)
    throw new UsageError(
      `${flag}: ${shown(dir)} already holds a run (${earlier.join(', ')}); ` +
        'pass --overwrite to replace it, or choose another folder',
    );
  for (const name of earlier) rmSync(join(dir, name), { recursive: true, force: true });
}

export interface Retained {
  removed: string[];
  compressed: number;
}

/**
 * In `parent`, keep the newest `keep` run folders (`current` among them),
 * delete the older ones, and gzip the histories of the finished runs kept
 * other than `current`. `keep` 0 deletes nothing.
 */
export function retainRuns(parent: string, current: string, keep: number): Retained {
  const runs = readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && stampOf(entry.name) !== undefined)
    .map((entry) => entry.name)
    .sort((a, b) => stampOf(b)!.localeCompare(stampOf(a)!));
  // A folder a run left empty (it stopped on bad input before writing anything) is not a run to keep:
  // removed, so ten quick failures never push the last real reports out.
  const empty = runs.filter((name) => name !== current && readdirSync(join(parent, name)).length === 0);
  for (const name of empty) rmSync(join(parent, name), { recursive: true, force: true });
  const older = runs.filter((name) => name !== current && !empty.includes(name));
  const kept = keep === 0 ? older : older.slice(0, Math.max(0, keep - 1));
  const removed = keep === 0 ? [] : older.slice(Math.max(0, keep - 1));
  for (const name of removed) rmSync(join(parent, name), { recursive: true, force: true });
  let compressed = 0;
  for (const name of kept) {
    const dir = join(parent, name);
    if (!FINISHED_MARKERS.some((marker) => existsSync(join(dir, marker)))) continue;
    const histories = join(dir, 'histories');
    if (!existsSync(histories) || !statSync(histories).isDirectory()) continue;
    for (const file of readdirSync(histories).filter((f) => f.endsWith('.ndjson'))) {
      compressHistoryFile(join(histories, file));
      compressed++;
    }
  }
  return { removed, compressed };
}
