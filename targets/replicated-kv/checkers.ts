/**
 * Invariants of the replicated key-value store. Causal order comes from the
 * history alone: a worker's acknowledged operations are in its session order,
 * and a read that returned a write puts that write before everything the
 * worker does next (vector clocks over the sessions; a write with an unknown
 * outcome is a session of its own, as nobody learned of it from its answer).
 *
 * - replicas-converge: after quiescence both nodes hold the same versions.
 * - acknowledged-writes-kept: every acknowledged write is kept, or replaced by
 *   a write that causally followed it, or lost where the strategy's contract
 *   allows (to a concurrent write under last-write-wins, to an earlier write
 *   under first-write-wins), which is counted. Losing to a write it causally
 *   followed is a violation naming both writes; so is a merge that drops a
 *   field update, a manual store that drops a conflict, and a first write
 *   replaced by a later one.
 */
import { type Checker, unknownResult, type Violation, verdictOf } from '../../harness/core/check.ts';
import { groupBy } from '../../harness/core/collections.ts';
import type { Operation } from '../../harness/core/history.ts';
import {
  NODES,
  type Node,
  registerField,
  type StoredVersion,
  type Strategy,
  type Timestamp,
} from './schema.ts';

export interface KvState {
  strategy: Strategy;
  nodes: Record<Node, StoredVersion[]>;
  /** Writes each node still had to send when the harness stopped waiting for quiescence. */
  pending: Record<Node, number>;
}

export interface WriteArgs {
  key: string;
  field: string;
  value: string;
  writeId: string;
  node: Node;
}

export interface WriteValue {
  field: string;
  ts: Timestamp;
  node: Node;
}

/** What a read records of each version it returned: enough to place it in causal order. */
export type SeenVersion = Pick<StoredVersion, 'field' | 'writeId' | 'ts'>;

/** Registers (or writes) named per violation at most. */
const LISTED = 5;

const registerOf = (key: string, field: string) => `${key}/${field}`;

/** A write of the history, with its place in causal order. */
interface Write {
  op: Operation;
  args: WriteArgs;
  /** The vector-clock component it counts in (its worker's, or its own when its outcome is unknown)... */
  component: number;
  /** ...and its number there. */
  seq: number;
  /** The writes before it: per component, how many. */
  clock: Map<number, number>;
}

function join(into: Map<number, number>, from: Map<number, number>) {
  for (const [component, seq] of from) if ((into.get(component) ?? 0) < seq) into.set(component, seq);
}

/** Every write that may have happened (acknowledged or unknown), by id, with its vector clock. */
export function causalOrder(operations: Operation[]): Map<string, Write> {
  const writes = new Map<string, Write>();
  const sessions = new Map<number, { clock: Map<number, number>; acknowledged: number }>();
  const session = (worker: number) => {
    if (!sessions.has(worker)) sessions.set(worker, { clock: new Map(), acknowledged: 0 });
    return sessions.get(worker)!;
  };
  // Components past every worker's number for writes of unknown outcome (no spread: histories are long).
  let nextComponent = operations.reduce((max, o) => Math.max(max, o.worker), -1) + 1;
  // Completions before invocations at the same instant: a worker's next call starts after its last answer.
  const events = operations.flatMap((op) => [
    { at: op.invokedAt, invokes: 1, op },
    { at: op.completedAt, invokes: 0, op },
  ]);
  events.sort((a, b) => a.at - b.at || a.invokes - b.invokes || a.op.id - b.op.id);
  for (const { invokes, op } of events) {
    const completes = !invokes;
    const s = session(op.worker);
    if (op.op === 'write' && op.outcome !== 'fail') {
      if (completes) {
        if (op.outcome === 'ok') s.clock.set(op.worker, ++s.acknowledged);
        continue;
      }
      const args = op.args as WriteArgs;
      const clock = new Map(s.clock);
      const [component, seq] = op.outcome === 'ok' ? [op.worker, s.acknowledged + 1] : [nextComponent++, 1];
      clock.set(component, seq);
      writes.set(args.writeId, { op, args, component, seq, clock });
    } else if (op.op === 'read' && op.outcome === 'ok' && completes) {
      for (const version of (op.value as { versions: SeenVersion[] }).versions) {
        const seen = writes.get(version.writeId);
        if (seen) join(s.clock, seen.clock);
      }
    }
  }
  return writes;
}

/** `a` happened before `b`: `b`'s writer knew of `a` when it wrote. */
export const happenedBefore = (a: Write, b: Write) => a !== b && (b.clock.get(a.component) ?? 0) >= a.seq;

const time = (ts: Timestamp) =>
  `${new Date(ts.wall).toISOString().slice(11, 23)}${ts.logical ? `+${ts.logical}` : ''}`;

function describeWrite(write: Write, stored?: StoredVersion): string {
  const ts = stored?.ts ?? (write.op.value as WriteValue | undefined)?.ts;
  return `${write.args.writeId} (worker ${write.op.worker} on node ${write.args.node}${ts ? `, stamped ${time(ts)}` : ''})`;
}

function registers(versions: StoredVersion[]): Map<string, StoredVersion[]> {
  return groupBy(versions, (v) => registerOf(v.key, v.field));
}

/** After quiescence both nodes hold the same versions of every register. */
export const replicasConverge: Checker<KvState> = {
  name: 'replicas-converge',
  description: 'after quiescence both nodes hold the same versions of every key',
  check({ operations, finalState }) {
    const writeOps = new Map(
      operations.filter((o) => o.op === 'write').map((o) => [(o.args as WriteArgs).writeId, o.id]),
    );
    const opsOf = (ids: string[]) => ids.flatMap((id) => writeOps.get(id) ?? []);
    const violations: Violation[] = [];
    for (const node of NODES)
      if (finalState.pending[node] > 0)
        violations.push({
          invariant: 'replication-finishes',
          message: `node ${node} still had ${finalState.pending[node]} writes to send to the other node when the harness stopped waiting`,
          operations: [],
        });
    const [a, b] = NODES.map((node) => registers(finalState.nodes[node]));
    const differing = [...new Set([...a!.keys(), ...b!.keys()])].sort().filter((register) => {
      const held = (m: Map<string, StoredVersion[]>) =>
        (m.get(register) ?? [])
          .map((v) => `${v.writeId}=${v.value}`)
          .sort()
          .join(', ');
      return held(a!) !== held(b!);
    });
    for (const register of differing.slice(0, LISTED)) {
      const ids = (m: Map<string, StoredVersion[]>) => (m.get(register) ?? []).map((v) => v.writeId);
      violations.push({
        invariant: 'replicas-converge',
        message: `${register}: node a keeps ${ids(a!).join(', ') || 'nothing'}, node b keeps ${ids(b!).join(', ') || 'nothing'}${differing.length > LISTED ? ` (${differing.length} keys differ in all)` : ''}`,
        operations: opsOf([...ids(a!), ...ids(b!)]),
      });
    }
    return verdictOf(this.name, violations);
  },
};

type Fate =
  | { kind: 'kept' | 'overwritten' | 'lost-by-contract' }
  | { kind: 'violation'; invariant: string; winner?: Write; message: string };

/** What became of acknowledged write `w` in a register holding `kept`, by the strategy's contract. */
function fateOf(strategy: Strategy, w: Write, kept: { version: StoredVersion; write?: Write }[]): Fate {
  if (kept.some((k) => k.version.writeId === w.args.writeId)) return { kind: 'kept' };
  const replacedBy = kept.find((k) => k.write && happenedBefore(w, k.write));
  if (replacedBy && strategy === 'first-write-wins')
    return {
      kind: 'violation',
      invariant: 'first-write-wins',
      winner: replacedBy.write!,
      message: `${describeWrite(w)} was replaced by ${describeWrite(replacedBy.write!, replacedBy.version)}, a later write that knew of it`,
    };
  if (replacedBy) return { kind: 'overwritten' };
  const lost = describeWrite(w);
  if (kept.length === 0)
    return {
      kind: 'violation',
      invariant: 'write-vanished',
      message: `${lost} was acknowledged, and the key holds no version at all`,
    };
  if (strategy === 'manual') {
    const keptNames = kept
      .map((k) => (k.write ? describeWrite(k.write, k.version) : k.version.writeId))
      .join(', ');
    return {
      kind: 'violation',
      invariant: 'manual-loses-no-conflict',
      ...(kept[0]!.write ? { winner: kept[0]!.write } : {}),
      message: `${lost} was dropped, though no write that knew of it replaced it; the key keeps only ${keptNames}`,
    };
  }
  if (strategy === 'first-write-wins') return { kind: 'lost-by-contract' };
  const followed = kept.find((k) => k.write && happenedBefore(k.write, w));
  if (followed)
    return {
      kind: 'violation',
      invariant: strategy === 'field-merge' ? 'merge-loses-no-field-update' : 'causal-write-kept',
      winner: followed.write!,
      message: `${lost} causally followed ${describeWrite(followed.write!, followed.version)}, yet the older write was kept and the later one discarded`,
    };
  return { kind: 'lost-by-contract' };
}

export const acknowledgedWritesKept: Checker<KvState> = {
  name: 'acknowledged-writes-kept',
  description:
    "every acknowledged write is kept, replaced by a write that knew of it, or lost where the strategy's contract allows (counted)",
  check({ operations, finalState }) {
    const { strategy } = finalState;
    // A malformed history throws here, and runCheckers makes that an unknown verdict with the reason.
    const writes = causalOrder(operations);
    const acknowledged = [...writes.values()].filter((w) => w.op.outcome === 'ok');
    if (acknowledged.length === 0)
      return {
        ...unknownResult(this.name, 'no write was acknowledged: nothing was shown to be kept'),
        vacuous: true,
      };
    const refused = new Map(
      operations
        .filter((o) => o.op === 'write' && o.outcome === 'fail')
        .map((o) => [(o.args as WriteArgs).writeId, o]),
    );
    const violations = new Map<string, Violation>();
    const counts = { kept: 0, overwritten: 0, 'lost-by-contract': 0 };
    const heldBy = NODES.map((node) => registers(finalState.nodes[node]));
    for (const held of heldBy) {
      for (const [register, versions] of held)
        for (const version of versions) {
          if (writes.has(version.writeId)) continue;
          const refusal = refused.get(version.writeId);
          violations.set(`phantom ${version.writeId}`, {
            invariant: 'no-phantom-write',
            message: refusal
              ? `${register} keeps ${version.writeId}, a write the node refused`
              : `${register} keeps ${version.writeId}, which no operation wrote`,
            operations: refusal ? [refusal.id] : [],
          });
        }
      for (const w of acknowledged) {
        const register = registerOf(w.args.key, registerField(strategy, w.args.field));
        const kept = (held.get(register) ?? []).map((version) => {
          const write = writes.get(version.writeId);
          return { version, ...(write ? { write } : {}) };
        });
        const fate = fateOf(strategy, w, kept);
        if (fate.kind !== 'violation') {
          if (held === heldBy[0]) counts[fate.kind]++;
          continue;
        }
        // The same loss on both nodes is one violation.
        violations.set(`${fate.invariant} ${w.args.writeId}`, {
          invariant: fate.invariant,
          message: `${register}: ${fate.message}`,
          operations: [w.op.id, ...(fate.winner ? [fate.winner.op.id] : [])],
        });
      }
    }
    const siblings = [...heldBy[0]!.values()].filter((v) => v.length > 1).length;
    return {
      ...verdictOf(this.name, [...violations.values()]),
      metrics: {
        'acknowledged writes': acknowledged.length,
        kept: counts.kept,
        'replaced by a later write': counts.overwritten,
        'lost by contract': counts['lost-by-contract'],
        ...(strategy === 'manual' ? { 'conflicts kept for review': siblings } : {}),
      },
    };
  },
};

export const kvCheckers = [replicasConverge, acknowledgedWritesKept];
