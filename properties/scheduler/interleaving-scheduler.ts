/**
 * The deterministic interleaving scheduler. Each logical client runs the
 * target's own operation code on a real connection, but every statement that
 * code sends waits at a gate until the schedule releases it. Between two
 * releases the scheduler waits until every client is settled: parked at its
 * gate with its next statement, finished, or blocked on a lock, which it
 * learns from the database itself (Postgres pg_blocking_pids, InnoDB's
 * LOCK WAIT transactions), never from a timeout. So the same schedule gives
 * the same outcome every time.
 *
 * When every unfinished client is blocked (a deadlock the database has not
 * broken yet), the scheduler cancels the statement of the highest-numbered
 * blocked client, which the database reports as an error: a deterministic
 * victim. Deadlock and serialization errors are outcomes, not crashes.
 */
import { classifyError, errorMessage } from '../../harness/core/outcomes.ts';
import type { OperationReturn, RunContext, TargetDefinition } from '../../harness/core/target.ts';
import type { PlannedOperation } from '../../harness/core/workload.ts';
import type { LockObserver } from './lock-observer.ts';

/** One statement as the trace shows it. */
export interface TraceStep {
  client: number;
  /** Operation index within the client's sequence. */
  operation: number;
  sql: string;
  params: unknown[];
  /** What happened when it was released. */
  result: 'done' | 'blocked' | 'error';
  detail?: string;
}

export interface ScheduledOperation {
  client: number;
  index: number;
  op: string;
  args: unknown;
  outcome: 'ok' | 'fail' | 'info';
  value?: unknown;
  error?: string;
  /** Logical times: the step at which it started and ended. */
  invokedAt: number;
  completedAt: number;
}

export interface ScheduleOutcome {
  trace: TraceStep[];
  operations: ScheduledOperation[];
}

type State = 'running' | 'parked' | 'executing' | 'blocked' | 'done';

interface Gate {
  sql: string;
  params: unknown[];
  release: () => void;
}

interface Client {
  index: number;
  state: State;
  sessionId: number;
  gate?: Gate;
  operation: number;
  /** Resolves whenever the state changes, so settling can wait on it. */
  changed: Promise<void>;
  signal: () => void;
  traceIndex?: number;
  /** The fault plan killed this client's connection: its statements no longer reach the server. */
  killed?: boolean;
}

/** Statements are method calls whose name is here; the SQL is the first argument that looks like SQL. */
const STATEMENT_METHODS = new Set(['query', 'execute']);

/** The driver call's arguments with its SQL rewritten, wherever the call carries it. */
export function withSql(args: unknown[], rewrite: (sql: string) => string): unknown[] {
  const [first, ...rest] = args;
  if (typeof first === 'string') return [rewrite(first), ...rest];
  const config = first as { text?: unknown; sql?: unknown; name?: unknown } | undefined;
  if (typeof config?.text === 'string') {
    const text = rewrite(config.text);
    // A named pg statement is prepared once per connection under its name: a new text needs a new name.
    const renamed = text !== config.text && config.name ? { name: `${String(config.name)}-mutant` } : {};
    return [{ ...config, text, ...renamed }, ...rest];
  }
  if (typeof config?.sql === 'string') return [{ ...config, sql: rewrite(config.sql) }, ...rest];
  return args;
}

/**
 * The SQL and parameters of a driver call: `query(sql, params)`, or a query
 * object as first argument (pg's `{ text, values }`, mysql2's `{ sql, values }`).
 */
export function describeCall(args: unknown[]): { sql: string; params: unknown[] } {
  const config = args[0] as { text?: unknown; sql?: unknown; values?: unknown } | undefined;
  const fromConfig = typeof config === 'object' && config !== null ? (config.text ?? config.sql) : undefined;
  const sql =
    typeof fromConfig === 'string'
      ? fromConfig
      : (args.find((a): a is string => typeof a === 'string' && /\s/.test(a)) ?? String(args[0]));
  const params =
    (args.find((a) => Array.isArray(a)) as unknown[] | undefined) ??
    (Array.isArray(config?.values) ? config.values : []);
  return { sql: sql.replace(/\s+/g, ' ').trim(), params };
}

/** What a schedule strategy sees at a step: the clients parked at their gates, lowest first, and their statements. */
export interface Choice {
  step: number;
  parked: { client: number; sql: string }[];
}

/** A schedule strategy: which parked client's statement goes next. */
export type ChooseNext = (choice: Choice) => number;

/** The schedule as a list of client indices, then round robin once it runs out; a listed client that is not parked is skipped. */
export function listedSchedule(schedule: readonly number[], clients: number): ChooseNext {
  let cursor = 0;
  return ({ step, parked }) => {
    while (cursor < schedule.length) {
      const candidate = schedule[cursor++]! % clients;
      if (parked.some((p) => p.client === candidate)) return candidate;
    }
    return parked[step % parked.length]!.client;
  };
}

export interface ScheduleRun<Conn> {
  target: TargetDefinition<Conn>;
  ctx: RunContext;
  /** Each client's operations, in order. */
  programs: PlannedOperation[][];
  /** Client indices in the order their next statements are released; then round robin. */
  schedule: number[];
  /** A strategy that decides instead of `schedule` (exhaustive enumeration, PCT). */
  choose?: ChooseNext;
  /** Rewrites each statement's SQL before it is sent (a mutant of the target's code). */
  rewrite?: (sql: string) => string;
  /** One connection per client, made by the target's connect(). */
  connections: Conn[];
  /** Fault plan: before releasing the statement of these steps, kill that client's connection. */
  kills?: number[];
  observer: LockObserver;
}

export async function runSchedule<Conn>(run: ScheduleRun<Conn>): Promise<ScheduleOutcome> {
  const { target, ctx, programs, observer } = run;
  // The schedule, not a clock, decides when statements run: no operation here has a deadline.
  const opCtx = { ...ctx, signal: new AbortController().signal };
  const trace: TraceStep[] = [];
  const operations: ScheduledOperation[] = [];
  let step = 0;
  let abandoned = false;

  const clients: Client[] = await Promise.all(
    programs.map(async (_, index) => {
      const client = { index, state: 'running' as State, operation: 0 } as Client;
      client.sessionId = await observer.sessionId(run.connections[index]!);
      renew(client);
      return client;
    }),
  );

  function renew(client: Client) {
    client.changed = new Promise((resolve) => {
      client.signal = resolve;
    });
  }
  function setState(client: Client, state: State) {
    client.state = state;
    const signal = client.signal;
    renew(client);
    signal();
  }

  /** The connection each client's operation code sees: statements wait at the gate. */
  const gated = (client: Client, connection: Conn): Conn =>
    new Proxy(connection as object, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || !STATEMENT_METHODS.has(String(property))) return value;
        return async (...sent: unknown[]) => {
          const args = run.rewrite ? withSql(sent, run.rewrite) : sent;
          const { sql, params } = describeCall(args);
          await new Promise<void>((release) => {
            if (abandoned) {
              client.killed = true;
              release();
              return;
            }
            client.gate = { sql, params, release };
            setState(client, 'parked');
          });
          try {
            // Decided here rather than by how fast the driver notices the closed socket, so the
            // outcome is the same every time: the statement surely did not run (a definite failure).
            if (client.killed)
              throw Object.assign(new Error('connection killed before the statement was sent'), {
                notSent: true,
              });
            const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            finishStep(client, 'done');
            return result;
          } catch (error) {
            finishStep(client, 'error', errorMessage(error));
            throw error;
          }
        };
      },
    }) as Conn;

  function finishStep(client: Client, result: 'done' | 'error', detail?: string) {
    const entry = client.traceIndex === undefined ? undefined : trace[client.traceIndex];
    if (entry) {
      // A statement that was blocked and then went through is recorded as blocked, then its end.
      entry.result = entry.result === 'blocked' && result === 'done' ? 'blocked' : result;
      if (detail) entry.detail = entry.detail ? `${entry.detail}; ${detail}` : detail;
      else if (entry.result === 'blocked') entry.detail = 'waited for a lock, then completed';
    }
    client.traceIndex = undefined;
    setState(client, 'running');
  }

  async function runClient(client: Client) {
    const connection = gated(client, run.connections[client.index]!);
    for (const [index, planned] of programs[client.index]!.entries()) {
      client.operation = index;
      const invokedAt = step;
      let result: OperationReturn | { outcome: 'info'; error: string };
      try {
        result = await target.operations[planned.op]!(connection, planned.args, opCtx);
      } catch (error) {
        result = { outcome: classifyError(error), error: errorMessage(error) } as
          | OperationReturn
          | { outcome: 'info'; error: string };
      }
      const operation: ScheduledOperation = {
        client: client.index,
        index,
        op: planned.op,
        args: planned.args,
        outcome: result.outcome,
        invokedAt,
        completedAt: step,
      };
      if ('value' in result && result.value !== undefined) operation.value = result.value;
      if ('error' in result && result.error !== undefined) operation.error = result.error;
      operations.push(operation);
    }
    setState(client, 'done');
  }

  /** Wait until no client is running code or executing a statement that is not blocked. */
  async function settle() {
    for (;;) {
      if (clients.some((c) => c.state === 'running')) {
        await Promise.race(clients.filter((c) => c.state === 'running').map((c) => c.changed));
        continue;
      }
      const executing = clients.filter((c) => c.state === 'executing' || c.state === 'blocked');
      if (executing.length === 0) return;
      // Most statements finish within a millisecond: give them that before asking the database.
      if (executing.some((c) => c.state === 'executing')) {
        const changed = await Promise.race([
          ...executing.map((c) => c.changed.then(() => true)),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2)),
        ]);
        if (changed) continue;
      }
      const waiting = await observer.waitingSessions();
      let moving = false;
      for (const c of executing) {
        if (c.state !== 'executing' && c.state !== 'blocked') continue; // finished meanwhile
        if (waiting.has(c.sessionId)) {
          if (c.state === 'executing') {
            c.state = 'blocked';
            if (c.traceIndex !== undefined) trace[c.traceIndex]!.result = 'blocked';
          }
        } else {
          // Not waiting for a lock: it is running, or has just finished; give it a moment.
          if (c.state === 'blocked') c.state = 'executing';
          moving = true;
        }
      }
      if (!moving) return;
      await Promise.race([
        ...executing.map((c) => c.changed),
        new Promise((resolve) => setTimeout(resolve, 1)),
      ]);
    }
  }

  const runners = clients.map((c) => runClient(c));
  const choose = run.choose ?? listedSchedule(run.schedule, clients.length);
  try {
    for (;;) {
      await settle();
      const parked = clients.filter((c) => c.state === 'parked');
      if (parked.length === 0) {
        const blocked = clients.filter((c) => c.state === 'blocked');
        if (blocked.length === 0) break; // every client is done
        // Everyone left is waiting for someone else: break the cycle, deterministically.
        const victim = blocked[blocked.length - 1]!;
        await observer.cancel(victim.sessionId);
        await Promise.race([victim.changed, new Promise((r) => setTimeout(r, 2000))]);
        continue;
      }
      const chosen = choose({ step, parked: parked.map((c) => ({ client: c.index, sql: c.gate!.sql })) });
      const next = parked.find((c) => c.index === chosen);
      if (!next) throw new Error(`schedule strategy chose client ${chosen}, which has no statement waiting`);
      const gate = next.gate!;
      next.gate = undefined;
      next.traceIndex = trace.length;
      trace.push({
        client: next.index,
        operation: next.operation,
        sql: gate.sql,
        params: gate.params,
        result: 'done',
      });
      if (run.kills?.includes(step)) {
        // A connection dying under the client between two statements: the next one cannot reach the server.
        await observer.terminate(next.sessionId);
        next.killed = true;
        trace.at(-1)!.detail = 'its connection was killed just before';
      }
      step++;
      setState(next, 'executing');
      gate.release();
    }
  } catch (error) {
    // Abandoned mid-run (a strategy that threw): every statement still waiting, or still to come,
    // fails unsent, so each client's code runs to its end and nothing waits at a gate forever.
    abandoned = true;
    for (const c of clients) {
      c.killed = true;
      c.gate?.release();
    }
    throw error;
  } finally {
    await Promise.allSettled(runners);
  }
  return { trace, operations: operations.sort((a, b) => a.invokedAt - b.invokedAt || a.client - b.client) };
}
