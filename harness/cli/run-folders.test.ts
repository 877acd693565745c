import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildReportData } from '../../reports/html/report-data.ts';
import { fakeRun, fakeSuite } from '../../reports/testing/fake-results.ts';
import { UsageError } from '../core/errors.ts';
import { compressHistoryFile, HistoryWriter, readHistory } from '../core/history.ts';
import { claimOutFolder, retainRuns } from './run-folders.ts';

const stamp = (minute: number) => `2026-12-05T07-${String(minute).padStart(2, '0')}-00-000Z`;

/** A finished run folder: results, a report, and a history of `ops` operations. */
function finishedRun(parent: string, name: string, ops = 100): string {
  const dir = join(parent, name);
  const writer = new HistoryWriter(join(dir, 'histories', 'scenario--correct.ndjson'));
  for (let i = 0; i < ops; i++) {
    const id = writer.invoke(i % 3, 'mutate', { key: i % 5 });
    writer.complete(
      id,
      i % 3,
      'mutate',
      i % 10 === 0 ? { outcome: 'fail', error: 'conflict' } : { outcome: 'ok', value: i },
    );
  }
  writer.close();
  writeFileSync(join(dir, 'results.json'), '{}');
  writeFileSync(join(dir, 'report.html'), '<html>');
  return dir;
}

async function eventsOf(path: string) {
  const events = [];
  for await (const event of readHistory(path)) events.push(event);
  return events;
}

describe('run folders', () => {
  it('keeps the newest runs, deletes older ones, and leaves other folders alone', () => {
    const parent = mkdtempSync(join(tmpdir(), 'run-folders-'));
    for (let minute = 0; minute < 6; minute++)
      finishedRun(parent, `${minute % 2 ? 'sweep-' : ''}${stamp(minute)}`);
    mkdirSync(join(parent, 'my-notes'));
    writeFileSync(join(parent, 'vitest.json'), '{}');
    // Two runs that stopped on bad input before writing anything, the newest of all but the current.
    mkdirSync(join(parent, stamp(7)));
    mkdirSync(join(parent, `property-${stamp(8)}`));
    const current = stamp(9);
    mkdirSync(join(parent, current));

    const { removed } = retainRuns(parent, current, 3);
    expect(removed.sort()).toEqual([stamp(0), `sweep-${stamp(1)}`, stamp(2), `sweep-${stamp(3)}`].sort());
    expect(readdirSync(parent).sort()).toEqual(
      [current, stamp(4), `sweep-${stamp(5)}`, 'my-notes', 'vitest.json'].sort(),
    );
    // 0 keeps every run.
    finishedRun(parent, stamp(1));
    expect(retainRuns(parent, current, 0).removed).toEqual([]);
    expect(existsSync(join(parent, stamp(1)))).toBe(true);
  });

  it('gzips the histories of finished runs kept, and reading them back gives every event, for the report too', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'run-folders-'));
    const older = finishedRun(parent, stamp(1), 2000);
    const plain = join(older, 'histories', 'scenario--correct.ndjson');
    const before = await eventsOf(plain);
    const plainBytes = statSync(plain).size;
    const reportBefore = await buildReportData(
      fakeSuite([fakeRun({ violations: 1, historyFiles: [plain] })]),
    );
    // A run still going (no report yet) keeps its history as it is being written.
    const unfinished = join(parent, stamp(2));
    mkdirSync(join(unfinished, 'histories'), { recursive: true });
    writeFileSync(join(unfinished, 'histories', 'x.ndjson'), '{"type":"invoke"}\n');
    const current = stamp(3);
    mkdirSync(join(parent, current));

    expect(retainRuns(parent, current, 10)).toEqual({ removed: [], compressed: 1 });
    expect(existsSync(plain)).toBe(false);
    expect(statSync(`${plain}.gz`).size).toBeLessThan(plainBytes / 3);
    expect(existsSync(join(unfinished, 'histories', 'x.ndjson'))).toBe(true);
    // Read back through the path results.json names: the same events, the same drill-down.
    expect(await eventsOf(plain)).toEqual(before);
    const reportAfter = await buildReportData(fakeSuite([fakeRun({ violations: 1, historyFiles: [plain] })]));
    expect(reportAfter.runs[0]!.violations).toEqual(reportBefore.runs[0]!.violations);
    expect(reportAfter.runs[0]!.sampled).toEqual(reportBefore.runs[0]!.sampled);
  });

  it('compresses a history larger than one chunk into members gunzip reads as one file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-folders-'));
    const file = join(dir, 'big.ndjson');
    const line = `${JSON.stringify({ type: 'invoke', id: 1, worker: 0, op: 'x', t: 1, args: 'y'.repeat(200) })}\n`;
    const text = line.repeat(Math.ceil((9 * 1024 * 1024) / line.length));
    writeFileSync(file, text);
    compressHistoryFile(file);
    expect(gunzipSync(readFileSync(`${file}.gz`)).toString('utf8')).toBe(text);
  });

  it('refuses an --out folder that holds a run, and --overwrite clears only the run', () => {
    const parent = mkdtempSync(join(tmpdir(), 'run-folders-'));
    const dir = finishedRun(parent, 'ci-run');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'load', 'k6'), { recursive: true }); // a load engine's own output
    expect(() => claimOutFolder(dir, false)).toThrow(UsageError);
    expect(() => claimOutFolder(dir, false)).toThrow(
      /already holds a run \(results\.json, report\.html, histories, load\); pass --overwrite to replace it/,
    );
    claimOutFolder(dir, true);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    // An empty or foreign folder is taken as it is.
    expect(() => claimOutFolder(dir, false)).not.toThrow();
  });
});
