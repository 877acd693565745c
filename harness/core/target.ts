/**
 * A Target is a system under test: its schema or services, one client per
 * worker, the operations the workload may call, and the invariants its final
 * state and history must satisfy. Every target has a `correct` variant that
 * must pass and deliberately broken variants (mutants) the harness must catch.
 *
 * Users add their own with `defineTarget()` in their own file and list it in
 * `chaos.config.ts`; nothing in the harness needs editing.
 */
import type { Checker } from './check.ts';
import type { ConnectionInfo, DatabaseKind, ServerSettings } from './database.ts';
import type { PlanContext, PlannedOperation } from './workload.ts';

export interface TargetContext {
  /** Connection to this run's own scratch database. */
  database: ConnectionInfo;
  /** Scratch databases of the other kinds the target asked for in `extraDatabases`. */
  extraDatabases?: Partial<Record<DatabaseKind, ConnectionInfo>>;
  variant: string;
  seed: number;
  /** Number of keys in the workload's key space (rows, emails, employees...). */
  keys: number;
}

export interface VariantInfo {
  description: string;
  /** A mutant: the harness must report at least one violation for it. */
  broken: boolean;
}

/**
 * What an operation returns; `Value` is what an `ok` carries for the
 * checkers. Throwing instead means "unknown outcome" unless the error is a
 * definite failure.
 */
export type OperationReturn<Value = unknown> =
  | { outcome: 'ok'; value?: Value }
  | { outcome: 'fail'; error: string; value?: unknown };

export function ok<Value = undefined>(value?: Value): OperationReturn<Value> {
  return value === undefined ? { outcome: 'ok' } : { outcome: 'ok', value };
}

/** The operation surely did not take effect (e.g. version conflict, 0 rows updated). */
export function fail(error: string, value?: unknown): OperationReturn {
  return value === undefined ? { outcome: 'fail', error } : { outcome: 'fail', error, value };
}

/** What everything after setup gets: the run's context plus the environment `setup` returned. */
export interface RunContext<Env = unknown> extends TargetContext {
  env: Env;
}

/**
 * One operation: `args` are what the planner chose for it, `Value` what it
 * returns when ok. (Written as a method so a target's own types stay
 * assignable where targets are handled generically, in the registry and the
 * runner.)
 */
export type OperationFunction<Client, Env, Args = unknown, Value = unknown> = {
  operation(client: Client, args: Args, ctx: RunContext<Env>): Promise<OperationReturn<Value>>;
}['operation'];

/** A target's operations by name; each may type its own arguments. */
export type Operations<Client, Env> = Record<string, OperationFunction<Client, Env>>;

/** The arguments an operation takes (unknown for an operation typed loosely). */
export type ArgsOf<F> = F extends (client: never, args: infer A, ctx: never) => unknown ? A : unknown;

/** The value an operation returns when ok (what a checker reads from the history's `value`). */
export type ValueOf<F> = F extends (...args: never[]) => Promise<OperationReturn<infer V>> ? V : unknown;

/** A planned call of one of `Ops`: its name and its arguments, typed. */
export type PlannedCall<Ops> = { [Op in keyof Ops & string]: { op: Op; args: ArgsOf<Ops[Op]> } }[keyof Ops &
  string];

/**
 * A system under test. `Env` is what `setup` brings up for one run (service
 * URLs, process handles): it reaches `connect`, the operations, `finalState`
 * and `teardown` as `ctx.env`, so a target keeps no state of its own between
 * runs. `Ops` types each operation's arguments, and the planner must produce
 * exactly those.
 */
export interface TargetDefinition<
  // The defaults (unknown) are any target, as the registry and the runner handle them.
  Client = unknown,
  State = unknown,
  Env = unknown,
  Ops extends Operations<Client, Env> = Operations<Client, Env>,
> {
  name: string;
  description: string;
  database: DatabaseKind;
  /** Other database kinds it needs too (a scratch database on each), e.g. a service per database. */
  extraDatabases?: DatabaseKind[];
  /** Must include `correct`. */
  variants: Record<string, VariantInfo>;
  /** Create the schema and seed rows for `ctx.variant` in the (empty) scratch database; start what it needs. */
  setup(ctx: TargetContext): Promise<Env>;
  connect(ctx: RunContext<Env>, worker: number): Promise<Client>;
  disconnect(client: Client): Promise<void>;
  operations: Ops;
  /** The default operation mix: which operation each worker issues next. */
  plan(ctx: PlanContext): PlannedCall<Ops>;
  /** Read, after the workload stopped, the state the checkers judge. */
  finalState(ctx: RunContext<Env>): Promise<State>;
  checkers: Checker<State>[];
  /** Release what setup started beyond the scratch database (services, extra databases). */
  teardown?(ctx: RunContext<Env>): Promise<void>;
  /** Present for HTTP targets that load engines (autocannon, k6) can drive directly. */
  http?: HttpInterface<Env>;
  /** Server settings a variant needs (it then gets a server of its own, from the process provider). */
  serverSettings?(variant: string): ServerSettings | undefined;
}

/** One HTTP request, as a load engine sends it. */
export interface HttpRequestSpec {
  method: string;
  /** Path and query, relative to the base URL. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * How an HTTP target is driven by a load engine (autocannon, k6) rather than
 * by workers calling its operations: one base URL, the n-th request of a
 * seed, and each response turned back into an outcome.
 */
export interface HttpInterface<Env = unknown> {
  /** The service the load goes to, once setup has run. */
  baseUrl(ctx: RunContext<Env>): string;
  /**
   * JavaScript source of `function request(seed, iteration)` returning
   * `{ method, path, headers, body }`: the request numbered `iteration` of
   * the load of `seed`. The one definition of the load's requests: k6 embeds
   * it (numbered by its iterationInTest, across every instance) and
   * autocannon evaluates the same source (numbered in the order requests
   * go out), so both engines send the same requests for the same seed.
   */
  requestSource: string;
  /** How the history records a request: the operation and arguments the checkers read. */
  operationOf(request: HttpRequestSpec): PlannedOperation;
  /** ok / fail from the status and body; `info` for answers that prove nothing (5xx). */
  outcome(status: number, body: unknown): OperationReturn | { outcome: 'info'; error: string };
  /** Statuses a correct service may answer with (the response check). */
  expectedStatuses: number[];
}

/** Identity helper that gives a user's target full type checking. */
export function defineTarget<
  Client,
  State,
  Env = void,
  Ops extends Operations<Client, Env> = Operations<Client, Env>,
>(target: TargetDefinition<Client, State, Env, Ops>): TargetDefinition<Client, State, Env, Ops> {
  if (!target.variants.correct) throw new Error(`target ${target.name}: a "correct" variant is required`);
  return target;
}
