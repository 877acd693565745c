/**
 * Histories for the checkers' bench parts.
 *
 * Versioned-register histories for the linearizability bench, linearizable by
 * construction: each client's operations follow one another, each takes effect
 * at a random instant inside its interval, and what it answered is what the
 * register said at that instant (a read: value and version; an update: whether
 * the version it expected was current). A share of outcomes is made unknown.
 */
import type { LinearOperation } from '../../harness/checkers/linearizable/model.ts';
import type { VersionedInput, VersionedOutput } from '../../harness/checkers/linearizable/models.ts';
import type { MicroOp, Transaction } from '../../harness/checkers/transactional/list-append.ts';
import { Random } from '../../harness/core/rng.ts';

export function versionedRegisterHistory(
  operations: number,
  clients: number,
  options: { unknownShare?: number; seed?: number } = {},
): LinearOperation<VersionedInput, VersionedOutput>[] {
  const rng = new Random(options.seed ?? 1);
  const free = new Array<number>(clients).fill(0);
  const planned = Array.from({ length: operations }, (_, i) => {
    const client = i % clients;
    const call = free[client]! + rng.next() * 2;
    const length = 1 + rng.next() * 20;
    free[client] = call + length;
    return {
      i,
      client,
      call,
      ret: call + length,
      effect: call + rng.next() * length,
      read: rng.next() < 0.5,
    };
  });
  let version = 0;
  let value: number | null = null;
  const answers = new Map<number, { input: VersionedInput; output: VersionedOutput }>();
  for (const op of [...planned].sort((a, b) => a.effect - b.effect)) {
    if (op.read) {
      answers.set(op.i, { input: { f: 'read' }, output: { value, version } });
      continue;
    }
    // Most updates expect the current version (they read it just before); some a stale one (a conflict).
    const expectedVersion = rng.next() < 0.7 ? version : Math.max(0, version - 1);
    const updated = expectedVersion === version;
    if (updated) {
      version++;
      value = op.i;
    }
    answers.set(op.i, { input: { f: 'update', value: op.i, expectedVersion }, output: { updated } });
  }
  const unknownShare = options.unknownShare ?? 0.01;
  return planned.map((op) => {
    const { input, output } = answers.get(op.i)!;
    const known = rng.next() >= unknownShare;
    return {
      id: op.i,
      client: op.client,
      input,
      output: known ? output : undefined,
      // Whole microseconds: the reference takes integer times.
      call: Math.round(op.call * 1000),
      return: known ? Math.round(op.ret * 1000) : Number.POSITIVE_INFINITY,
      known,
    };
  });
}

/**
 * List-append transactions as Elle generates them, strict serializable by
 * construction: `concurrency` clients, 1 to 4 micro-operations each (half
 * appends of unique values, half whole-list reads) over `activeKeys` keys, a
 * key retired for a fresh one after `writesPerKey` appends, each transaction
 * taking effect atomically at an instant inside its interval.
 */
export function listAppendHistory(
  transactions: number,
  concurrency: number,
  options: { writesPerKey?: number; activeKeys?: number; seed?: number } = {},
): Transaction[] {
  const rng = new Random(options.seed ?? 1);
  const writesPerKey = options.writesPerKey ?? 32;
  const activeKeys = options.activeKeys ?? 10;
  const state = new Map<number, number[]>();
  const active = Array.from({ length: activeKeys }, (_, i) => i);
  let nextKey = activeKeys;
  let value = 0;
  const planned = Array.from({ length: transactions }, (_, i) => {
    const start = i * (10 / concurrency) + rng.next() * 2;
    const length = 1 + rng.next() * 10;
    return { i, start, length, effect: start + rng.next() * length };
  });
  const history: Transaction[] = new Array(transactions);
  for (const plan of planned.sort((a, b) => a.effect - b.effect)) {
    const ops: MicroOp[] = [];
    const count = 1 + rng.int(4);
    for (let j = 0; j < count; j++) {
      const slot = rng.int(activeKeys);
      const key = active[slot]!;
      if (rng.next() < 0.5) {
        value++;
        const list = [...(state.get(key) ?? []), value];
        state.set(key, list);
        ops.push(['append', key, value]);
        if (list.length >= writesPerKey) active[slot] = nextKey++;
      } else ops.push(['r', key, [...(state.get(key) ?? [])]]);
    }
    history[plan.i] = {
      id: plan.i + 1,
      process: plan.i % concurrency,
      type: 'ok',
      ops,
      call: plan.start,
      return: plan.start + plan.length,
    };
  }
  return history;
}
