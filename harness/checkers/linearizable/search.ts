/**
 * The search for a linearization of one (partition of a) history: Wing &
 * Gong's backtracking with Lowe's just-in-time linearization, and a cache of
 * (set of linearized operations, model state) pairs already explored, as
 * Porcupine does (anishathalye/porcupine, checker.go).
 *
 * The history is a doubly linked list of call and return entries in time
 * order. Walking it from the head, a call may be linearized now if the model
 * accepts it in the current state: it is lifted out of the list (with its
 * return) and the walk starts again from the head. Reaching a return means
 * that operation had to take effect already and none of the orders tried
 * allows it: undo the last linearized call and try the next candidate. An
 * empty list is a linearization; nothing left to undo means there is none.
 *
 * Two reductions keep every answer exact and the search small. Candidates
 * are tried in passes by kind: observers first (an operation that, answered
 * as it was, cannot change the state: placed where it first fits, with no
 * alternative tried, since any order placing it later is as good), then, only
 * when a return blocks, the known changes, then the unknown outcomes: a
 * change is placed just in time, when something observed needs it.
 *
 * Operations with an unknown outcome (info) never block: their returns sit
 * at infinity, after every other entry, so reaching one means what is left
 * can all take effect at the end. And one that would change nothing where it
 * stands is not tried there (it can as well go at the end), which keeps a
 * timed-out write from being placed, uselessly, at every step.
 *
 * The list lives in typed arrays (node i: next[i], prev[i], match[i]) and the
 * cache keys on an incremental (Zobrist) hash of the linearized set, each
 * entry keeping that set exactly but compactly (every operation up to the
 * highest linearized one, minus the few still open), so a long, mostly
 * sequential history does not cost a full bitset per cache entry.
 */
import type { LinearOperation, Model } from './model.ts';

export type SearchOutcome<State> =
  | { kind: 'linearizable'; order: number[] }
  | {
      kind: 'not-linearizable';
      /** The longest prefix of a linearization found (operation indexes, in order). */
      longestPrefix: number[];
      /** The operation that had to have happened after that prefix and fits in no order tried. */
      stuck: number;
      /** The model's state after the longest prefix. */
      state: State;
    }
  | { kind: 'out-of-time'; linearized: number };

const NONE = -1;
/** How many steps between two looks at the clock. */
const CLOCK_EVERY = 1024;

interface CacheEntry<State> {
  highest: number;
  holes: Int32Array;
  state: State;
}

/**
 * Search `operations` (in any order; indexes in the outcome are into it) for a
 * linearization against `model`, giving up at `deadline` (performance.now()).
 * Without `explain`, a history found not linearizable is not searched again
 * for its longest prefix (the verdict alone, as Porcupine's CheckOperations gives).
 */
export function searchLinearization<State, Input, Output>(
  model: Model<State, Input, Output>,
  operations: readonly LinearOperation<Input, Output>[],
  deadline: number,
  explain = true,
): SearchOutcome<State> {
  const first = search(model, operations, deadline, -1);
  if (first.kind !== 'stuck') return first;
  if (!explain) return { kind: 'not-linearizable', longestPrefix: [], stuck: -1, state: model.init() };
  // Rare and worth a second pass: walk the same path again and copy the stack at its deepest point.
  const again = search(model, operations, Number.POSITIVE_INFINITY, first.deepest);
  if (again.kind !== 'stuck' || !again.capture)
    throw new Error('linearizability search is not deterministic');
  return { kind: 'not-linearizable', ...again.capture };
}

type Pass<State> =
  | { kind: 'linearizable'; order: number[] }
  | { kind: 'out-of-time'; linearized: number }
  | {
      kind: 'stuck';
      deepest: number;
      capture?: { longestPrefix: number[]; stuck: number; state: State };
    };

function search<State, Input, Output>(
  model: Model<State, Input, Output>,
  operations: readonly LinearOperation<Input, Output>[],
  deadline: number,
  captureAtDepth: number,
): Pass<State> {
  const n = operations.length;
  const list = linkedEntries(operations);
  const { next, match, opOf, original } = list;
  const ops = Array.from(original, (index) => operations[index]!);
  const given = (rank: number) => original[rank]!;
  const equal = model.equal ?? Object.is;

  const zobristLow = new Uint32Array(n);
  const zobristHigh = new Uint32Array(n);
  let seed = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    seed = xorshift(seed);
    zobristLow[i] = seed;
    seed = xorshift(seed);
    zobristHigh[i] = seed;
  }
  let hashLow = 0;
  let hashHigh = 0;
  // The linearized set, exactly and compactly: every operation up to `highest` except the `holes`
  // (sorted). Operations are numbered in call order, so the holes are the few still open.
  let highest = -1;
  let holes: number[] = [];

  const cache = new Map<number, CacheEntry<State>[]>();
  const callNodes = new Int32Array(n);
  const callStates: State[] = new Array(n);
  const changesNothing = model.changesNothing ?? (() => false);
  // Candidates are tried in passes, by kind: first the observers (a read, a refused update: free to
  // place, see `changesNothing`), then, when a return blocks, the known changes, and last the unknown
  // outcomes. A change is placed only when something observed needs it, just in time, not eagerly
  // at the first step it fits, where it is often too early and undone later with all after it.
  const OBSERVER = 0;
  const CHANGE = 1;
  const UNKNOWN = 2;
  const kindOf = new Uint8Array(n);
  let lastPass = OBSERVER;
  for (const [i, operation] of ops.entries()) {
    const kind = !operation.known
      ? UNKNOWN
      : changesNothing(operation.input, operation.output as Output)
        ? OBSERVER
        : CHANGE;
    kindOf[i] = kind;
    if (kind > lastPass) lastPass = kind;
  }
  let phase = OBSERVER;
  // The pass each linearized call was placed in: an observer's had no alternative to try.
  const phaseOf = new Uint8Array(n);
  let depth = 0;
  let deepest = 0;
  let state = model.init();
  let steps = 0;

  /**
   * Undo the last linearized call that has an alternative (and every observer above it), and
   * return the entry after it, the next candidate at that point; NONE when nothing is left to undo.
   */
  const backtrack = (): number => {
    for (;;) {
      if (depth === 0) return NONE;
      depth--;
      const call = callNodes[depth]!;
      state = callStates[depth]!;
      callStates[depth] = undefined as State;
      const undone = opOf[call]!;
      hashLow ^= zobristLow[undone]!;
      hashHigh ^= zobristHigh[undone]!;
      if (undone === highest) {
        // The new highest is the next linearized one below: drop the run of holes just under it.
        highest--;
        while (holes.length > 0 && holes[holes.length - 1] === highest) {
          holes.pop();
          highest--;
        }
      } else holes.splice(sortedIndex(holes, undone), 0, undone);
      unlift(list, call);
      if (phaseOf[depth] !== OBSERVER) {
        phase = phaseOf[depth]!;
        return next[call]!;
      }
    }
  };

  let entry = next[0]!;
  while (next[0] !== NONE) {
    if (++steps % CLOCK_EVERY === 0 && performance.now() > deadline)
      return { kind: 'out-of-time', linearized: depth };
    const returnNode = match[entry]!;
    const op = opOf[entry]!;
    if (returnNode !== NONE) {
      const operation = ops[op]!;
      if (kindOf[op] !== phase) {
        entry = next[entry]!;
        continue;
      }
      const [ok, nextState] = model.step(state, operation.input, operation.output);
      // An operation with an unknown outcome that would change nothing here is left for later: wherever
      // it changes nothing, it can as well go at the very end, where nothing observes it.
      if (ok && (operation.known || !equal(nextState, state))) {
        const key =
          ((hashLow ^ zobristLow[op]!) >>> 0) * 0x200000 + ((hashHigh ^ zobristHigh[op]!) & 0x1fffff);
        const candidate = withAdded(highest, holes, op, nextState);
        const bucket = cache.get(key);
        const seen = bucket?.some((c) => sameSet(c, candidate) && equal(c.state, nextState)) ?? false;
        // An observer goes first: any order that places it later is as good with it here. So, its
        // configuration already explored, there is nothing else to try at this point.
        if (seen && phase === OBSERVER) {
          entry = backtrack();
          if (entry === NONE) return { kind: 'stuck', deepest };
          continue;
        }
        if (!seen) {
          if (bucket) bucket.push(candidate);
          else cache.set(key, [candidate]);
          callNodes[depth] = entry;
          callStates[depth] = state;
          phaseOf[depth] = phase;
          depth++;
          phase = OBSERVER;
          state = nextState;
          hashLow ^= zobristLow[op]!;
          hashHigh ^= zobristHigh[op]!;
          highest = candidate.highest;
          holes = Array.from(candidate.holes);
          lift(list, entry);
          entry = next[0]!;
          continue;
        }
      }
      entry = next[entry]!;
      continue;
    }
    if (!ops[op]!.known) {
      // Returns of unknown outcomes come last (at infinity): every operation left may take effect at the
      // end, in any order, each accepted by the model. A linearization.
      const order = Array.from(callNodes.subarray(0, depth), (node) => opOf[node]!);
      for (let node = next[0]!; node !== NONE; node = next[node]!)
        if (match[node] !== NONE) order.push(opOf[node]!);
      return { kind: 'linearizable', order: order.map(given) };
    }
    // A return: its operation had to be linearized by now, and was not. Try the next kind first.
    if (phase < lastPass) {
      phase++;
      entry = next[0]!;
      continue;
    }
    if (depth === captureAtDepth) {
      const longestPrefix = Array.from(callNodes.subarray(0, depth), (node) => opOf[node]!);
      return {
        kind: 'stuck',
        deepest,
        capture: { longestPrefix: longestPrefix.map(given), stuck: given(op), state },
      };
    }
    if (depth > deepest) deepest = depth;
    entry = backtrack();
    if (entry === NONE) return { kind: 'stuck', deepest };
  }
  return {
    kind: 'linearizable',
    order: Array.from(callNodes.subarray(0, depth), (node) => given(opOf[node]!)),
  };
}

/** The linearized set (`highest`, `holes`) with `op` added, as a cache entry. */
function withAdded<State>(highest: number, holes: number[], op: number, state: State): CacheEntry<State> {
  if (op > highest) {
    const grown = new Int32Array(holes.length + (op - highest - 1));
    grown.set(holes);
    for (let id = highest + 1, i = holes.length; id < op; id++, i++) grown[i] = id;
    return { highest: op, holes: grown, state };
  }
  const at = sortedIndex(holes, op);
  const fewer = new Int32Array(holes.length - 1);
  for (let i = 0, j = 0; i < holes.length; i++) if (i !== at) fewer[j++] = holes[i]!;
  return { highest, holes: fewer, state };
}

function sameSet<State>(a: CacheEntry<State>, b: CacheEntry<State>): boolean {
  if (a.highest !== b.highest || a.holes.length !== b.holes.length) return false;
  for (let i = 0; i < a.holes.length; i++) if (a.holes[i] !== b.holes[i]) return false;
  return true;
}

/** Where `value` is, or goes, in the sorted `values`. */
function sortedIndex(values: number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface LinkedEntries {
  next: Int32Array;
  prev: Int32Array;
  /** For a call node, its return node; NONE for a return node. */
  match: Int32Array;
  /** The operation of a node, by its rank in call order. */
  opOf: Int32Array;
  /** Rank to the operation's index in the array given. */
  original: Int32Array;
}

/**
 * Node 0 is the head; then every call and return in time order, calls before
 * returns at the same instant (an operation that returned when another was
 * invoked may still be ordered after it only if they overlap).
 */
function linkedEntries<Input, Output>(operations: readonly LinearOperation<Input, Output>[]): LinkedEntries {
  const n = operations.length;
  const times = new Float64Array(2 * n);
  const order = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    times[2 * i] = operations[i]!.call;
    times[2 * i + 1] = operations[i]!.return;
    order[2 * i] = 2 * i;
    order[2 * i + 1] = 2 * i + 1;
  }
  // Entry 2i is operation i's call, 2i+1 its return.
  order.sort((a, b) => times[a]! - times[b]! || (a & 1) - (b & 1) || a - b);
  const size = 2 * n + 1;
  const next = new Int32Array(size).fill(NONE);
  const prev = new Int32Array(size).fill(NONE);
  const match = new Int32Array(size).fill(NONE);
  const opOf = new Int32Array(size).fill(NONE);
  const nodeOfEntry = new Int32Array(2 * n);
  for (let position = 0; position < order.length; position++) nodeOfEntry[order[position]!] = position + 1;
  // Operations are numbered in call order (their rank), whatever order they came in.
  const rankOf = new Int32Array(n);
  const original = new Int32Array(n);
  let rank = 0;
  for (let position = 0; position < order.length; position++) {
    const item = order[position]!;
    if ((item & 1) === 0) {
      rankOf[item >>> 1] = rank;
      original[rank++] = item >>> 1;
    }
  }
  for (let position = 0; position < order.length; position++) {
    const node = position + 1;
    const item = order[position]!;
    prev[node] = node - 1;
    next[node - 1] = node;
    opOf[node] = rankOf[item >>> 1]!;
    if ((item & 1) === 0) match[node] = nodeOfEntry[item + 1]!;
  }
  return { next, prev, match, opOf, original };
}

/** Take a call and its return out of the list. */
function lift({ next, prev, match }: LinkedEntries, call: number): void {
  next[prev[call]!] = next[call]!;
  if (next[call] !== NONE) prev[next[call]!] = prev[call]!;
  const ret = match[call]!;
  next[prev[ret]!] = next[ret]!;
  if (next[ret] !== NONE) prev[next[ret]!] = prev[ret]!;
}

/** Put them back, in the reverse order of lift. */
function unlift({ next, prev, match }: LinkedEntries, call: number): void {
  const ret = match[call]!;
  next[prev[ret]!] = ret;
  if (next[ret] !== NONE) prev[next[ret]!] = ret;
  next[prev[call]!] = call;
  if (next[call] !== NONE) prev[next[call]!] = call;
}

function xorshift(x: number): number {
  let y = x ^ (x << 13);
  y ^= y >>> 17;
  y ^= y << 5;
  return y >>> 0;
}
