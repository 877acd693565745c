/**
 * Invariants of the CQRS target. The read model must converge on the write
 * model once the projectors have caught up; a client that passes the version
 * it knows must never read older state (read-your-writes, monotonic reads);
 * and every event must become visible within a bound. The lag (commit to
 * applied, on one server clock) is reported as percentiles and over time.
 */
import { type Checker, unknownResult, type Violation, verdictOf } from '../../harness/core/check.ts';
import { groupBy } from '../../harness/core/collections.ts';
import type { Operation } from '../../harness/core/history.ts';
import { percentile } from '../../harness/core/stats.ts';
import { REPLICAS, type Replica } from './schema.ts';

export interface CqrsState {
  accounts: { id: string; balance: number; version: number }[];
  views: { replica: Replica; id: string; balance: number; version: number }[];
  /** Each application of an event to a replica, with its lag from commit. */
  applied: { replica: Replica; account: string; version: number; lagMs: number }[];
}

export interface Deposit {
  account: string;
  amount: number;
}

/** An event is visible in every replica within this long of its commit, faults included. */
export const LAG_BOUND_MS = 5000;
/** Accounts (or events) named per violation at most. */
const LISTED = 5;

const eventKey = (account: string, version: number) => `${account}#${version}`;

/** The acknowledged deposits by the event they wrote (account, version). */
function depositsByEvent(operations: Operation[]): Map<string, Operation> {
  const byEvent = new Map<string, Operation>();
  for (const o of operations)
    if (o.op === 'deposit' && o.outcome === 'ok') {
      const { version } = o.value as { version: number };
      byEvent.set(eventKey((o.args as Deposit).account, version), o);
    }
  return byEvent;
}

/** After quiescence each replica holds every account exactly as the write model does. */
export const readModelConverges: Checker<CqrsState> = {
  name: 'read-model-converges',
  description: 'after quiescence every replica equals the projection of the write model',
  check({ operations, finalState }) {
    const deposits = depositsByEvent(operations);
    const opOf = (account: string, version: number) => deposits.get(eventKey(account, version))?.id;
    const applications = groupBy(finalState.applied, (a) => `${a.replica}:${eventKey(a.account, a.version)}`);
    const violations: Violation[] = [];
    // Every replica, including one whose projector never applied anything (it has no rows at all).
    for (const replica of REPLICAS) {
      const view = new Map(finalState.views.filter((v) => v.replica === replica).map((v) => [v.id, v]));
      for (const account of finalState.accounts) {
        const seen = view.get(account.id) ?? { balance: 0, version: 0 };
        if (seen.balance === account.balance && seen.version === account.version) continue;
        // Which events explain it: applied more than once, or never.
        const twice: number[] = [];
        const never: number[] = [];
        for (let version = 1; version <= account.version; version++) {
          const times = applications.get(`${replica}:${eventKey(account.id, version)}`)?.length ?? 0;
          if (times > 1) twice.push(version);
          if (times === 0) never.push(version);
        }
        const why = [
          twice.length > 0 ? `applied twice: version ${twice.slice(0, LISTED).join(', ')}` : '',
          never.length > 0 ? `never applied: version ${never.slice(0, LISTED).join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ');
        violations.push({
          invariant: 'read-model-converges',
          message: `replica ${replica}, account ${account.id}: the read model has balance ${seen.balance} at version ${seen.version}, the write model ${account.balance} at version ${account.version}${why ? ` (${why})` : ''}`,
          operations: [...twice, ...never]
            .slice(0, LISTED)
            .map((v) => opOf(account.id, v))
            .filter((id): id is number => id !== undefined),
        });
      }
    }
    return verdictOf('read-model-converges', violations);
  },
};

/**
 * A worker's reads of an account never return a version older than one it
 * wrote (read-your-writes) or read before (monotonic reads). A worker's
 * operations run one after another, so "before" is the history's order.
 */
export const sessionGuarantees: Checker<CqrsState> = {
  name: 'session-guarantees',
  description:
    "a client's reads never go back before a version it wrote or read (read-your-writes, monotonic reads)",
  check({ operations }) {
    const violations: Violation[] = [];
    /** Reads made when their worker already knew a version of the account: the only ones that can break it. */
    let judged = 0;
    const byWorker = groupBy(operations, (o) => o.worker);
    for (const ops of byWorker.values()) {
      /** Per account: the newest version this client knows, and the operation it knows it from. */
      const known = new Map<string, { version: number; from: Operation }>();
      for (const o of [...ops].sort((a, b) => a.invokedAt - b.invokedAt)) {
        if (o.outcome !== 'ok' || (o.op !== 'deposit' && o.op !== 'read')) continue;
        const { account } = o.args as { account: string };
        const { version } = o.value as { version: number };
        const floor = known.get(account);
        if (o.op === 'read' && floor) judged++;
        if (o.op === 'read' && floor && version < floor.version) {
          const invariant = floor.from.op === 'deposit' ? 'read-your-writes' : 'monotonic-reads';
          violations.push({
            invariant,
            message: `worker ${o.worker} read account ${account} at version ${version} after it ${floor.from.op === 'deposit' ? 'wrote' : 'read'} version ${floor.version}`,
            operations: [floor.from.id, o.id],
          });
        }
        if (!floor || version > floor.version) known.set(account, { version, from: o });
      }
    }
    if (judged === 0)
      return {
        ...unknownResult('session-guarantees', 'no read came after its worker knew a version of the account'),
        vacuous: true,
      };
    return { ...verdictOf('session-guarantees', violations), metrics: { 'reads judged': judged } };
  },
};

/** Lag points kept for the report's chart; beyond it every k-th is kept. */
const SERIES_POINTS = 2000;

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Every event reaches every replica within LAG_BOUND_MS; the lag's percentiles and its course over the run as figures. */
export const projectionLag: Checker<CqrsState> = {
  name: 'projection-lag',
  description: `every event is applied to every replica within ${LAG_BOUND_MS} ms of its commit`,
  check({ operations, finalState }) {
    const deposits = depositsByEvent(operations);
    // The first application of each event counts: a redelivery is not when it became visible.
    const first = new Map<string, CqrsState['applied'][number]>();
    for (const a of finalState.applied) {
      const key = `${a.replica}:${eventKey(a.account, a.version)}`;
      const seen = first.get(key);
      if (!seen || a.lagMs < seen.lagMs) first.set(key, a);
    }
    const violations: Violation[] = [];
    const series = new Map<Replica, [number, number][]>();
    for (const a of first.values()) {
      const deposit = deposits.get(eventKey(a.account, a.version));
      if (a.lagMs > LAG_BOUND_MS)
        violations.push({
          invariant: 'projection-lag',
          message: `replica ${a.replica} applied account ${a.account} version ${a.version} ${Math.round(a.lagMs)} ms after its commit`,
          operations: deposit ? [deposit.id] : [],
        });
      // Drawn at the deposit's acknowledgement, the run's clock nearest to its commit.
      if (deposit) {
        if (!series.has(a.replica)) series.set(a.replica, []);
        series.get(a.replica)!.push([deposit.completedAt, round(a.lagMs)]);
      }
    }
    const lags = [...first.values()].map((a) => a.lagMs).sort((x, y) => x - y);
    if (lags.length === 0)
      return {
        ...unknownResult('projection-lag', 'no event reached a replica: no lag to judge'),
        vacuous: true,
      };
    const result = verdictOf('projection-lag', violations);
    const metrics = {
      'events applied': lags.length,
      'lag p50 ms': round(percentile(lags, 50)),
      'lag p99 ms': round(percentile(lags, 99)),
      'lag max ms': round(lags[lags.length - 1]!),
    };
    return {
      ...result,
      metrics,
      series: [...series.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([replica, points]) => {
          points.sort((x, y) => x[0] - y[0]);
          const every = Math.ceil(points.length / SERIES_POINTS);
          return {
            name: `lag, replica ${replica}`,
            unit: 'ms',
            points: every > 1 ? points.filter((_, i) => i % every === 0) : points,
          };
        }),
    };
  },
};

export const cqrsCheckers = [readModelConverges, sessionGuarantees, projectionLag];
