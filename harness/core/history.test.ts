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

  it('writes each line as JSON.stringify would write the event, hostile strings and all', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'history-test-')), 'h.ndjson');
    const history = new HistoryWriter(path);
    const hostile = 'a "quoted"\nline\\ with \u2028 ünïcode \ud83d\ude00 and \u0000';
    const a = history.invoke(3, hostile, { key: hostile, nested: [1, null, { x: true }] }, 12.5);
    const b = history.invoke(4, 'mutate', undefined);
    const c = history.invoke(5, 'mutate', () => 1); // no JSON for a function: left out, as JSON.stringify does
    history.complete(a, 3, hostile, { outcome: 'info', error: hostile });
    history.complete(b, 4, 'mutate', { outcome: 'ok', value: { v: hostile, n: -0.5 } });
    history.complete(c, 5, 'mutate', { outcome: 'fail', value: undefined, error: undefined });
    history.close();

    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const events = lines.map((line) => JSON.parse(line));
    // Each line is exactly what JSON.stringify gives for the event it holds: same fields, same order.
    expect(lines).toEqual(events.map((event) => JSON.stringify(event)));
    expect(events.map(({ t: _t, ...rest }) => rest)).toEqual([
      {
        type: 'invoke',
        id: a,
        worker: 3,
        op: hostile,
        args: { key: hostile, nested: [1, null, { x: true }] },
        intended: 12.5,
      },
      { type: 'invoke', id: b, worker: 4, op: 'mutate' },
      { type: 'invoke', id: c, worker: 5, op: 'mutate' },
      { type: 'info', id: a, worker: 3, op: hostile, error: hostile },
      { type: 'ok', id: b, worker: 4, op: 'mutate', value: { v: hostile, n: -0.5 } },
      { type: 'fail', id: c, worker: 5, op: 'mutate' },
    ]);
    // Byte for byte, in the field order the writer has always used (args before intended).
    const t = events.map((event) => event.t);
    const invoke = (
      i: number,
      id: number,
      worker: number,
      op: string,
      args?: unknown,
      intended?: number,
    ) => ({
      type: 'invoke',
      id,
      worker,
      op,
      t: t[i],
      args,
      intended,
    });
    const completion = (
      i: number,
      type: string,
      id: number,
      worker: number,
      op: string,
      value?: unknown,
      error?: string,
    ) => ({
      type,
      id,
      worker,
      op,
      t: t[i],
      value,
      error,
    });
    expect(lines).toEqual(
      [
        invoke(0, a, 3, hostile, { key: hostile, nested: [1, null, { x: true }] }, 12.5),
        invoke(1, b, 4, 'mutate'),
        invoke(2, c, 5, 'mutate'),
        completion(3, 'info', a, 3, hostile, undefined, hostile),
        completion(4, 'ok', b, 4, 'mutate', { v: hostile, n: -0.5 }),
        completion(5, 'fail', c, 5, 'mutate'),
      ].map((event) => JSON.stringify(event)),
    );
    // Timestamps to the microsecond.
    for (const event of events) expect(Math.round(event.t * 1000) / 1000).toBe(event.t);
  });

  it('writes to disk during the run, not only at the end', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'history-test-')), 'h.ndjson');
    const history = new HistoryWriter(path);
    for (let i = 0; i < 5000; i++) history.invoke(0, 'op', { payload: 'x'.repeat(20) });
    // 5000 events exceed the 64 KiB buffer, so most are on disk before close.
    expect(readFileSync(path, 'utf8').length).toBeGreaterThan(64 * 1024);
    history.close();
  });

  it('stamps each event when it is recorded, though it is serialized later in a batch', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'history-test-')), 'h.ndjson');
    const history = new HistoryWriter(path);
    const id = history.invoke(0, 'op', { key: 1 });
    const invokedBefore = history.now();
    await new Promise((resolve) => setTimeout(resolve, 30));
    history.complete(id, 0, 'op', { outcome: 'ok' });
    history.flush();
    const [invoke, completion] = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // Stamps are rounded to the microsecond, so the invoke's may round up past the unrounded now().
    expect(invoke.t).toBeLessThanOrEqual(invokedBefore + 0.001);
    expect(completion.t - invoke.t).toBeGreaterThanOrEqual(25);
    history.close();
  });

  it('flush() puts every recorded event on disk, in order, mid-batch and across batches', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'history-test-')), 'h.ndjson');
    const history = new HistoryWriter(path);
    const lines = () => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean);
    const first = history.invoke(0, 'op', { key: 0 });
    history.flush();
    expect(lines()).toHaveLength(1);
    history.complete(first, 0, 'op', { outcome: 'ok', value: 0 });
    for (let i = 1; i < 1000; i++)
      history.complete(history.invoke(i % 8, 'op', { key: i }), i % 8, 'op', { outcome: 'ok', value: i });
    history.fault('fault-start', 'crash');
    history.flush();
    const events = lines().map((line) => JSON.parse(line));
    expect(events).toHaveLength(2001);
    expect(events.slice(0, 2000).map((e) => (e.type === 'invoke' ? e.args.key : e.value))).toEqual(
      Array.from({ length: 2000 }, (_, i) => Math.floor(i / 2)),
    );
    expect(events[2000].type).toBe('fault-start');
    history.close();
  });

  it('records an arg or result JSON cannot hold as unserializable, keeping the rest of its batch', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'history-test-')), 'h.ndjson');
    const history = new HistoryWriter(path);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const a = history.invoke(0, 'op', { big: 1n });
    const b = history.invoke(1, 'op', { key: 2 });
    history.complete(b, 1, 'op', { outcome: 'ok', value: cyclic });
    history.complete(a, 0, 'op', { outcome: 'ok', value: 3 });
    history.close();
    const events = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.id)).toEqual([a, b, b, a]);
    expect(events[0].args).toMatch(/^unserializable: .*BigInt/);
    expect(events[1].args).toEqual({ key: 2 });
    expect(events[2].value).toMatch(/^unserializable: .*circular/i);
    expect(events[3].value).toBe(3);
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
