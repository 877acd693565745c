import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizable } from './check.ts';
import type { LinearOperation, Model } from './model.ts';
import { casRegister, counter, fifoQueue, keyValue, register, set, versionedRegister } from './models.ts';

/** `[client, call, return, input, output]`; return `null` is an unknown outcome (info). */
type Row<I, O> = [number, number, number | null, I, O | undefined];

function history<I, O>(rows: Row<I, O>[]): LinearOperation<I, O>[] {
  return rows.map(([client, call, ret, input, output], id) => ({
    id,
    client,
    input,
    output: ret === null ? undefined : output,
    call,
    return: ret ?? Number.POSITIVE_INFINITY,
    known: ret !== null,
  }));
}

const verdict = <S, I, O>(model: Model<S, I, O>, rows: Row<I, O>[]) =>
  checkLinearizable(model, history(rows)).verdict;

describe('linearizability: register', () => {
  const r = register(0);
  it('accepts overlapping operations in some order, and rejects a stale read after a write completed', () => {
    // The read overlaps the write: it may see either value.
    expect(
      verdict(r, [
        [0, 0, 10, { f: 'write', value: 1 }, null],
        [1, 5, 15, { f: 'read' }, 0],
      ]),
    ).toBe('valid');
    expect(
      verdict(r, [
        [0, 0, 10, { f: 'write', value: 1 }, null],
        [1, 5, 15, { f: 'read' }, 1],
      ]),
    ).toBe('valid');
    // The write completed before the read began: reading the old value is not linearizable.
    expect(
      verdict(r, [
        [0, 0, 10, { f: 'write', value: 1 }, null],
        [1, 11, 15, { f: 'read' }, 0],
      ]),
    ).toBe('invalid');
  });

  it('an unknown outcome may take effect at any later time, or never', () => {
    const unknownWrite: Row<{ f: 'write'; value: number } | { f: 'read' }, number>[] = [
      [0, 0, null, { f: 'write', value: 1 }, undefined],
    ];
    expect(verdict(r, [...unknownWrite, [1, 50, 60, { f: 'read' }, 0]])).toBe('valid'); // never (yet)
    expect(verdict(r, [...unknownWrite, [1, 50, 60, { f: 'read' }, 0], [1, 70, 80, { f: 'read' }, 1]])).toBe(
      'valid',
    );
    // Once seen, it cannot be undone.
    expect(verdict(r, [...unknownWrite, [1, 50, 60, { f: 'read' }, 1], [1, 70, 80, { f: 'read' }, 0]])).toBe(
      'invalid',
    );
    // But it cannot take effect before it was invoked.
    expect(
      verdict(r, [
        [1, 0, 5, { f: 'read' }, 1],
        [0, 10, null, { f: 'write', value: 1 }, undefined],
      ]),
    ).toBe('invalid');
  });

  it('explains an invalid history: the longest order found and the operation that fits nowhere', () => {
    const result = checkLinearizable(
      r,
      history([
        [0, 0, 10, { f: 'write', value: 1 }, null],
        [1, 20, 30, { f: 'write', value: 2 }, null],
        [2, 40, 50, { f: 'read' }, 1],
      ]),
    );
    expect(result.verdict).toBe('invalid');
    if (result.verdict !== 'invalid') return;
    expect(result.witness).toEqual([0, 1, 2]);
    expect(result.explanation).toContain('2 of 3 operations can be ordered');
    expect(result.explanation).toContain(
      'op 2 (client 2) read -> 1 fits nowhere: in state 2 it cannot happen',
    );
    expect(result.explanation).toContain('the longest order found ends with: op 0 write 1; op 1 write 2');
  });
});

describe('linearizability: the other models', () => {
  it('cas-register: one of two concurrent cas from the same value succeeds, never both', () => {
    const m = casRegister(0);
    const both = (second: boolean) =>
      verdict(m, [
        [0, 0, 10, { f: 'cas', from: 0, to: 1 }, true],
        [1, 0, 10, { f: 'cas', from: 0, to: 2 }, second],
        [2, 20, 30, { f: 'read' }, second ? 2 : 1],
      ]);
    expect(both(false)).toBe('valid');
    expect(both(true)).toBe('invalid');
  });

  it("versioned-register: the article's optimistic lock lets one of two updates at version 0 win", () => {
    const m = versionedRegister({ value: 'a', version: 0 });
    const run = (secondUpdated: boolean, finalRead: { value: string; version: number }) =>
      verdict(m, [
        [0, 0, 10, { f: 'update', value: 'b', expectedVersion: 0 }, { updated: true }],
        [1, 1, 11, { f: 'update', value: 'c', expectedVersion: 0 }, { updated: secondUpdated }],
        [2, 20, 30, { f: 'read' }, finalRead],
      ]);
    expect(run(false, { value: 'b', version: 1 })).toBe('valid');
    // A lost update: both "won" at version 0.
    expect(run(true, { value: 'c', version: 1 })).toBe('invalid');
    expect(run(true, { value: 'c', version: 2 })).toBe('invalid');
  });

  it('counter, set and fifo-queue: a valid history and one read that no order explains', () => {
    const c = counter();
    const adds: Row<{ f: 'add'; amount: number } | { f: 'read' }, number | null>[] = [
      [0, 0, 10, { f: 'add', amount: 2 }, null],
      [1, 0, 10, { f: 'add', amount: 3 }, null],
    ];
    expect(verdict(c, [...adds, [2, 5, 15, { f: 'read' }, 2]])).toBe('valid');
    expect(verdict(c, [...adds, [2, 20, 25, { f: 'read' }, 2]])).toBe('invalid');

    const s = set();
    expect(
      verdict(s, [
        [0, 0, 10, { f: 'add', element: 'x' }, null],
        [1, 5, 15, { f: 'add', element: 'y' }, null],
        [2, 12, 20, { f: 'read' }, ['y', 'x']],
      ]),
    ).toBe('valid');
    expect(
      verdict(s, [
        [0, 0, 10, { f: 'add', element: 'x' }, null],
        [2, 12, 20, { f: 'read' }, []],
      ]),
    ).toBe('invalid');

    const q = fifoQueue();
    const enqueued: Row<{ f: 'enqueue'; value: number } | { f: 'dequeue' }, number | null>[] = [
      [0, 0, 10, { f: 'enqueue', value: 1 }, null],
      [0, 20, 30, { f: 'enqueue', value: 2 }, null],
    ];
    expect(
      verdict(q, [...enqueued, [1, 40, 50, { f: 'dequeue' }, 1], [1, 60, 70, { f: 'dequeue' }, 2]]),
    ).toBe('valid');
    expect(verdict(q, [...enqueued, [1, 40, 50, { f: 'dequeue' }, 2]])).toBe('invalid');
  });

  it('key-value: checked per key, and a violation names its partition', () => {
    const kv = keyValue(register(0));
    const rows: Row<({ f: 'write'; value: number } | { f: 'read' }) & { key: string }, number | null>[] = [
      [0, 0, 10, { f: 'write', value: 1, key: 'a' }, null],
      [1, 0, 10, { f: 'write', value: 1, key: 'b' }, null],
      [2, 20, 30, { f: 'read', key: 'a' }, 1],
      [3, 20, 30, { f: 'read', key: 'b' }, 0],
    ];
    const result = checkLinearizable(kv, history(rows));
    expect(result.partitions).toBe(2);
    expect(result.verdict).toBe('invalid');
    if (result.verdict === 'invalid')
      expect(result.explanation).toMatch(/partition 2 of 2.*\n.*key "b": read -> 0/);
  });
});

describe('linearizability: size', () => {
  it('checks a history of 300,000 operations in one partition', () => {
    // One client writing and reading back: linearizable, and too long for any per-operation spread of arguments.
    const rows: Row<{ f: 'write'; value: number } | { f: 'read' }, number | null>[] = [];
    for (let i = 0; i < 150_000; i++) {
      rows.push([0, 4 * i, 4 * i + 1, { f: 'write', value: i }, null]);
      rows.push([0, 4 * i + 2, 4 * i + 3, { f: 'read' }, i]);
    }
    expect(checkLinearizable(register(0), history(rows)).verdict).toBe('valid');
  });
});

describe('linearizability: budget', () => {
  it('is unknown, never valid, when the budget runs out', () => {
    // 14 concurrent writes, then 14 reads that each see another value: no order explains them, and the
    // search tries many before it knows.
    const rows: Row<{ f: 'write'; value: number } | { f: 'read' }, number | null>[] = [];
    for (let i = 0; i < 14; i++) rows.push([i, 0, 100, { f: 'write', value: i + 1 }, null]);
    for (let i = 0; i < 14; i++) rows.push([i, 101, 200, { f: 'read' }, i + 1]);
    const result = checkLinearizable(register(0), history(rows), { budgetMs: 0 });
    expect(result.verdict).toBe('unknown');
    if (result.verdict === 'unknown') expect(result.reason).toMatch(/no answer within the 0 s budget/);
    // Given the time, the answer is found.
    expect(checkLinearizable(register(0), history(rows)).verdict).toBe('invalid');
  });
});

/**
 * Concurrent histories that are linearizable by construction: each client's
 * operation takes effect at a random instant inside its own interval, applied
 * to the model in that order; outputs are what the model answered.
 */
const concurrentRegisterHistory = fc
  .record({
    clients: fc.integer({ min: 1, max: 6 }),
    ops: fc.array(
      fc.record({
        write: fc.boolean(),
        start: fc.integer({ min: 0, max: 1000 }),
        length: fc.integer({ min: 1, max: 200 }),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        unknown: fc.integer({ min: 0, max: 9 }),
      }),
      { minLength: 1, maxLength: 40 },
    ),
  })
  .map(({ clients, ops }) => {
    // One operation at a time per client: each client's operations follow one another.
    const clientFree = new Array(clients).fill(0);
    const planned = ops.map((op, i) => {
      const client = i % clients;
      const call = Math.max(op.start, clientFree[client]);
      const ret = call + op.length;
      clientFree[client] = ret + 1;
      return { ...op, client, call, ret, effect: call + op.at * op.length, value: i + 1 };
    });
    let value = 0;
    const outputs = new Map<number, number>();
    for (const op of [...planned].sort((a, b) => a.effect - b.effect)) {
      if (op.write) value = op.value;
      outputs.set(op.value, value);
    }
    return planned.map(
      (op, id): LinearOperation<{ f: 'write'; value: number } | { f: 'read' }, number> => ({
        id,
        client: op.client,
        input: op.write ? { f: 'write', value: op.value } : { f: 'read' },
        output: op.unknown === 0 ? undefined : outputs.get(op.value)!,
        call: op.call,
        return: op.unknown === 0 ? Number.POSITIVE_INFINITY : op.ret,
        known: op.unknown !== 0,
      }),
    );
  });

describe('linearizability: generated histories', () => {
  it('a history made by running the model concurrently is valid; one mutated read makes it invalid', () => {
    fc.assert(
      fc.property(concurrentRegisterHistory, fc.nat(), (ops, pick) => {
        expect(checkLinearizable(register(0), ops).verdict).toBe('valid');
        const reads = ops.filter((op) => op.input.f === 'read' && op.known);
        if (reads.length === 0) return;
        const target = reads[pick % reads.length]!;
        // A value no operation ever wrote: no order can explain it.
        const mutated = ops.map((op) => (op === target ? { ...op, output: -1 } : op));
        expect(checkLinearizable(register(0), mutated).verdict).toBe('invalid');
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

/**
 * The definition, by brute force, for small histories: some order of the
 * operations that respects real time (one that returned before another was
 * invoked comes first) and that the model accepts step by step, where an
 * unknown outcome may also be left out (it never happened).
 */
function linearizableByBruteForce<S, I, O>(model: Model<S, I, O>, ops: LinearOperation<I, O>[]): boolean {
  const visit = (done: Set<number>, state: S): boolean => {
    const pending = ops.filter((op) => !done.has(op.id));
    if (pending.every((op) => !op.known)) return true;
    for (const op of pending) {
      // It may go next only if no other pending operation returned before it was invoked.
      if (pending.some((other) => other !== op && other.return < op.call)) continue;
      const [ok, next] = model.step(state, op.input, op.output);
      if (ok && visit(new Set([...done, op.id]), next)) return true;
    }
    return false;
  };
  return visit(new Set(), model.init());
}

/** Random small histories, mostly not linearizable: random intervals and random answers. */
function randomHistory<I, O>(input: fc.Arbitrary<I>, output: fc.Arbitrary<O>) {
  return fc
    .array(
      fc.record({
        client: fc.integer({ min: 0, max: 3 }),
        call: fc.integer({ min: 0, max: 20 }),
        length: fc.integer({ min: 0, max: 8 }),
        unknown: fc.integer({ min: 0, max: 4 }),
        input,
        output,
      }),
      { minLength: 1, maxLength: 7 },
    )
    .map((rows) =>
      rows.map(
        (row, id): LinearOperation<I, O> => ({
          id,
          client: row.client,
          input: row.input,
          output: row.unknown === 0 ? undefined : row.output,
          call: row.call,
          return: row.unknown === 0 ? Number.POSITIVE_INFINITY : row.call + row.length,
          known: row.unknown !== 0,
        }),
      ),
    );
}

describe('linearizability: the search agrees with the definition', () => {
  const value = fc.integer({ min: 0, max: 2 });
  const cases = [
    {
      name: 'register',
      model: () => register(0),
      input: fc.oneof(
        fc.constant({ f: 'read' as const }),
        value.map((v) => ({ f: 'write' as const, value: v })),
      ),
      output: value,
    },
    {
      name: 'cas-register',
      model: () => casRegister(0),
      input: fc.oneof(
        fc.constant({ f: 'read' as const }),
        value.map((v) => ({ f: 'write' as const, value: v })),
        fc.tuple(value, value).map(([from, to]) => ({ f: 'cas' as const, from, to })),
      ),
      output: fc.oneof(value, fc.boolean()),
    },
    {
      name: 'versioned-register',
      model: () => versionedRegister({ value: 0, version: 0 }),
      input: fc.oneof(
        fc.constant({ f: 'read' as const }),
        fc.tuple(value, fc.integer({ min: 0, max: 2 })).map(([v, expectedVersion]) => ({
          f: 'update' as const,
          value: v,
          expectedVersion,
        })),
      ),
      output: fc.oneof(
        fc.record({ value, version: fc.integer({ min: 0, max: 2 }) }),
        fc.boolean().map((updated) => ({ updated })),
      ),
    },
    {
      name: 'fifo-queue',
      model: () => fifoQueue(),
      input: fc.oneof(
        fc.constant({ f: 'dequeue' as const }),
        value.map((v) => ({ f: 'enqueue' as const, value: v })),
      ),
      output: fc.oneof(value, fc.constant(null)),
    },
  ];
  it.each(cases)(
    '$name: same verdict as brute force on small random histories',
    ({ model, input, output }) => {
      let invalid = 0;
      fc.assert(
        fc.property(randomHistory<unknown, unknown>(input, output), (ops) => {
          // Outputs that do not fit the input's kind make an operation impossible, as a garbage answer would.
          const m = model() as Model<unknown, unknown, unknown>;
          const safe: Model<unknown, unknown, unknown> = {
            ...m,
            step: (s, i, o) => {
              try {
                return m.step(s, i, o);
              } catch {
                return [false, s];
              }
            },
          };
          const expected = linearizableByBruteForce(safe, ops);
          if (!expected) invalid++;
          expect(checkLinearizable(safe, ops).verdict).toBe(expected ? 'valid' : 'invalid');
        }),
        { numRuns: 1500, seed: 7 },
      );
      // Both answers were exercised.
      expect(invalid).toBeGreaterThan(100);
      expect(invalid).toBeLessThan(1400);
    },
  );
});

describe('linearizability: as a target checker', () => {
  it('reads the final state after everything, names it as such, and names only real operations', async () => {
    const { linearizable } = await import('./checker.ts');
    const op = (id: number, outcome: 'ok' | 'fail' | 'info', value: number) => ({
      id,
      worker: id,
      op: 'write',
      args: { value },
      outcome,
      invokedAt: id * 10,
      completedAt: id * 10 + 5,
    });
    const checker = linearizable({
      model: register(0),
      input: (o) =>
        o.op === 'write' ? { f: 'write' as const, value: (o.args as { value: number }).value } : undefined,
      output: () => null,
      finalReads: (final: number) => [{ input: { f: 'read' as const }, output: final }],
    });
    // A failed write never happened; an unknown one may have.
    const operations = [op(0, 'ok', 1), op(1, 'fail', 2), op(2, 'info', 3)];
    expect(checker.check({ operations, finalState: 1 }).verdict).toBe('valid');
    expect(checker.check({ operations, finalState: 3 }).verdict).toBe('valid');
    const wrong = checker.check({ operations, finalState: 2 });
    expect(wrong.verdict).toBe('invalid');
    expect(wrong.violations[0]!.message).toContain('(the final state read) read -> 2 fits nowhere');
    // The order found before it (write 1, the unknown write 3), and not the final read itself.
    expect(wrong.violations[0]!.operations).toEqual([0, 2]);
  });
});
