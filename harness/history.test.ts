import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryWriter, loadOperations, pairOperations } from './history.ts';

describe('history', () => {
  it('streams events to NDJSON and reads them back as operations', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'history-test-')), 'h.ndjson');
    const history = new HistoryWriter(path);
    const a = history.invoke(0, 'mutate', { key: 1 });
    const b = history.invoke(1, 'mutate', { key: 1 });
    history.fault('fault-start', 'kill-connection');
    history.complete(b, 1, 'mutate', { outcome: 'fail', error: 'version mismatch' });
    history.complete(a, 0, 'mutate', { outcome: 'ok', value: { wroteVersion: 2 } });
    history.close();

    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['invoke', 'invoke', 'fault-start', 'fail', 'ok']);
    for (let i = 1; i < lines.length; i++) expect(lines[i].t).toBeGreaterThanOrEqual(lines[i - 1].t);

    const ops = await loadOperations(path);
    expect(ops).toHaveLength(2);
    expect(ops[0]).toMatchObject({ id: a, outcome: 'ok', value: { wroteVersion: 2 }, args: { key: 1 } });
    expect(ops[1]).toMatchObject({ id: b, outcome: 'fail', error: 'version mismatch' });
  });

  it('writes to disk during the run, not only at the end', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'history-test-')), 'h.ndjson');
    const history = new HistoryWriter(path);
    for (let i = 0; i < 5000; i++) history.invoke(0, 'op', { payload: 'x'.repeat(20) });
    // 5000 events exceed the 64 KiB buffer, so most are on disk before close.
    expect(readFileSync(path, 'utf8').length).toBeGreaterThan(64 * 1024);
    history.close();
  });

  it('turns an invocation without completion into info', () => {
    const ops = pairOperations([
      { type: 'invoke', id: 0, worker: 0, op: 'create', t: 1 },
      { type: 'invoke', id: 1, worker: 1, op: 'create', t: 2 },
      { type: 'ok', id: 0, worker: 0, op: 'create', t: 3 },
    ]);
    expect(ops.map((o) => o.outcome)).toEqual(['ok', 'info']);
  });

  it('rejects a completion without an invocation', () => {
    expect(() => pairOperations([{ type: 'ok', id: 9, worker: 0, op: 'x', t: 1 }])).toThrow(
      /without an invoke/,
    );
  });
});
