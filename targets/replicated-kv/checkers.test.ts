import { describe, expect, it } from 'vitest';
import type { Operation } from '../../harness/core/history.ts';
import {
  acknowledgedWritesKept,
  causalOrder,
  happenedBefore,
  type KvState,
  replicasConverge,
} from './checkers.ts';
import type { Node, StoredVersion, Strategy } from './schema.ts';

/** A small history, written in time order: each call takes the next 10 ms. */
function history() {
  const operations: Operation[] = [];
  let now = 0;
  const add = (worker: number, op: string, args: unknown, outcome: Operation['outcome'], value?: unknown) => {
    const operation: Operation = {
      id: operations.length,
      worker,
      op,
      args,
      outcome,
      invokedAt: now,
      completedAt: now + 10,
      ...(value === undefined ? {} : { value }),
    };
    now += 10;
    operations.push(operation);
    return operation;
  };
  return {
    operations,
    write(worker: number, writeId: string, node: Node, outcome: Operation['outcome'] = 'ok', field = 'name') {
      return add(
        worker,
        'write',
        { key: 'k', field, value: writeId, writeId, node },
        outcome,
        outcome === 'ok' ? { field, ts: { wall: now, logical: 0 }, node } : undefined,
      );
    },
    read(worker: number, seen: string[]) {
      return add(worker, 'read', { key: 'k', node: 'a' }, 'ok', { versions: seen.map((id) => version(id)) });
    },
  };
}

const version = (writeId: string, field = '*', wall = 1000): StoredVersion => ({
  key: 'k',
  field,
  writeId,
  value: writeId,
  ts: { wall, logical: 0 },
  origin: 'a',
});

const state = (strategy: Strategy, kept: StoredVersion[], b = kept, pending = { a: 0, b: 0 }): KvState => ({
  strategy,
  nodes: { a: kept, b },
  pending,
});

const judge = (operations: Operation[], finalState: KvState) =>
  acknowledgedWritesKept.check({ operations, finalState });

describe('causal order from the history', () => {
  it('orders a write after the ones its worker wrote or read before it, and not after an unknown one', () => {
    const h = history();
    h.write(0, 'w0', 'a');
    h.read(1, ['w0']);
    h.write(1, 'w1', 'b');
    h.write(2, 'lost-answer', 'a', 'info');
    h.write(2, 'w2', 'a');
    const writes = causalOrder(h.operations);
    const [w0, w1, unknown, w2] = ['w0', 'w1', 'lost-answer', 'w2'].map((id) => writes.get(id)!);
    expect(happenedBefore(w0!, w1!)).toBe(true);
    expect(happenedBefore(w1!, w0!)).toBe(false);
    expect(happenedBefore(unknown!, w2!)).toBe(false); // no answer came back: the worker learned nothing from it
    expect(happenedBefore(w0!, w2!)).toBe(false);
  });
});

describe('acknowledged-writes-kept', () => {
  for (const strategy of ['lww-hlc', 'lww-wall-clock'] as const)
    it(`${strategy}: losing to the write it causally followed names both writes`, () => {
      const h = history();
      const first = h.write(0, 'w0', 'a');
      h.read(1, ['w0']);
      const later = h.write(1, 'w1', 'b');
      const result = judge(h.operations, state(strategy, [version('w0')]));
      expect(result.verdict).toBe('invalid');
      expect(result.violations).toHaveLength(1);
      expect(result.violations[0]).toMatchObject({
        invariant: 'causal-write-kept',
        operations: [later.id, first.id],
      });
      expect(result.violations[0]!.message).toMatch(
        /w1 \(worker 1 on node b.*causally followed w0 \(worker 0 on node a/,
      );
      expect(judge(h.operations, state(strategy, [version('w1')])).metrics).toMatchObject({
        'replaced by a later write': 1,
        kept: 1,
      });
    });

  it('lww: a write lost to a concurrent one is allowed by the contract, and counted', () => {
    const h = history();
    h.write(0, 'w0', 'a');
    h.write(1, 'w1', 'b');
    h.write(2, 'unknown', 'a', 'info');
    h.write(2, 'w2', 'a');
    const result = judge(h.operations, state('lww-hlc', [version('unknown')]));
    expect(result.verdict).toBe('valid');
    expect(result.metrics).toMatchObject({ 'lost by contract': 3, kept: 0 });
  });

  it('first-write-wins: later writes lose by contract; a first write replaced by one that knew of it is caught', () => {
    const h = history();
    h.write(0, 'w0', 'a');
    h.read(1, ['w0']);
    h.write(1, 'w1', 'b');
    expect(judge(h.operations, state('first-write-wins', [version('w0')]))).toMatchObject({
      verdict: 'valid',
      metrics: { 'lost by contract': 1 },
    });
    const replaced = judge(h.operations, state('first-write-wins', [version('w1')]));
    expect(replaced.violations.map((v) => v.invariant)).toEqual(['first-write-wins']);
  });

  it('field-merge: concurrent updates of different fields both survive; a dropped field update is caught', () => {
    const h = history();
    h.write(0, 'old-name', 'a', 'ok', 'name');
    h.read(0, ['old-name']);
    h.write(0, 'w0', 'a', 'ok', 'name');
    h.write(1, 'w1', 'b', 'ok', 'email');
    const merged = [version('w0', 'name'), version('w1', 'email')];
    expect(judge(h.operations, state('field-merge', merged)).verdict).toBe('valid');
    const reverted = judge(
      h.operations,
      state('field-merge', [version('old-name', 'name'), version('w1', 'email')]),
    );
    expect(reverted.violations.map((v) => v.invariant)).toEqual(['merge-loses-no-field-update']);
    const dropped = judge(h.operations, state('field-merge', [version('w0', 'name')]));
    expect(dropped.violations.map((v) => v.invariant)).toEqual(['write-vanished']);
  });

  it('manual: concurrent writes are both kept for review; dropping one is caught', () => {
    const h = history();
    h.write(0, 'w0', 'a');
    h.write(1, 'w1', 'b');
    const both = judge(h.operations, state('manual', [version('w0'), version('w1')]));
    expect(both).toMatchObject({ verdict: 'valid', metrics: { 'conflicts kept for review': 1 } });
    const dropped = judge(h.operations, state('manual', [version('w1')]));
    expect(dropped.violations.map((v) => v.invariant)).toEqual(['manual-loses-no-conflict']);
  });

  it('a kept version no operation wrote, or that the node refused, is a phantom', () => {
    const h = history();
    h.write(0, 'w0', 'a');
    h.write(1, 'refused', 'b', 'fail');
    const result = judge(
      h.operations,
      state('manual', [version('w0'), version('refused'), version('nobody')]),
    );
    expect(result.violations.map((v) => v.message).sort()).toEqual([
      'k/* keeps nobody, which no operation wrote',
      'k/* keeps refused, a write the node refused',
    ]);
  });

  it('is unknown when no write was acknowledged', () => {
    const h = history();
    h.write(0, 'w0', 'a', 'fail');
    expect(judge(h.operations, state('lww-hlc', []))).toMatchObject({ verdict: 'unknown', vacuous: true });
  });
});

describe('replicas-converge', () => {
  it('names the keys the nodes disagree on, and a node that never finished replicating', () => {
    const h = history();
    const w0 = h.write(0, 'w0', 'a');
    const w1 = h.write(1, 'w1', 'b');
    expect(
      replicasConverge.check({ operations: h.operations, finalState: state('lww-hlc', [version('w1')]) })
        .verdict,
    ).toBe('valid');
    const split = replicasConverge.check({
      operations: h.operations,
      finalState: state('lww-hlc', [version('w0')], [version('w1')], { a: 0, b: 3 }),
    });
    expect(split.violations).toEqual([
      expect.objectContaining({
        invariant: 'replication-finishes',
        message: expect.stringMatching(/node b still had 3 writes/),
      }),
      {
        invariant: 'replicas-converge',
        message: 'k/*: node a keeps w0, node b keeps w1',
        operations: [w0.id, w1.id],
      },
    ]);
  });
});
