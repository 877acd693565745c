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
import type { ServiceEndpoint, ServiceSpec } from './service.ts';
import type { PlanContext, PlannedOperation } from './workload.ts';

export interface TargetContext {
  /**
   * Connection to this run's own scratch database. Every target made with
   * `defineTarget` declares a database; a service target (`defineHttpTarget`)
   * without one never reads it.
   */
  database: ConnectionInfo;
  /** The target's service, where the workers reach it (through Toxiproxy when the run has network faults). */
  service?: ServiceEndpoint;
  /** Scratch databases of the other kinds the target asked for in `extraDatabases`. */
  extraDatabases?: Partial<Record<DatabaseKind, ConnectionInfo>>;
  variant: string;
  seed: number;
  /** Number of keys in the workload's key space (rows, emails, employees...). */
  keys: number;
  /**
   * With clock-skew faults: the environment a process the target starts needs to read the
   * skewable clock (merge it into the process's own); the faults shift that process's clock only.
   */
  clockEnv?: Record<string, string>;
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
 * What an operation gets: the run's context plus `signal`, which aborts at
 * the operation's deadline (or when the run is interrupted). Pass it on, e.g.
 * to `fetch`, so nothing keeps running once the outcome was recorded as `info`.
 */
export interface OperationContext<Env = unknown> extends RunContext<Env> {
  signal: AbortSignal;
}

/**
 * One operation: `args` are what the planner chose for it, `Value` what it
 * returns when ok. (Written as a method so a target's own types stay
 * assignable where targets are handled generically, in the registry and the
 * runner.)
 */
export type OperationFunction<Client, Env, Args = unknown, Value = unknown> = {
  operation(client: Client, args: Args, ctx: OperationContext<Env>): Promise<OperationReturn<Value>>;
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
  /** The kind of scratch database the run creates for it; absent for a service with no database of the harness's. */
  database?: DatabaseKind;
  /** Other database kinds it needs too (a scratch database on each), e.g. a service per database. */
  extraDatabases?: DatabaseKind[];
  /**
   * A service the harness starts (and so crash, pause and restart faults reach) or finds at a
   * loopback URL; given a `database` too, a started service gets it as `DATABASE_URL`.
   */
  service?: ServiceSpec;
  /** The variants to run; at least one must hold (`broken: false`). */
  variants: Record<string, VariantInfo>;
  /** Create the schema and seed rows for `ctx.variant` in the (empty) scratch database; start what it needs. */
  setup(ctx: TargetContext): Promise<Env>;
  connect(ctx: RunContext<Env>, worker: number): Promise<Client>;
  disconnect(client: Client): Promise<void>;
  operations: Ops;
  /** The default operation mix: which operation each worker issues next. */
  plan(ctx: PlanContext<Env>): PlannedCall<Ops>;
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

/** The third argument of a request source's `request(seed, iteration, context)`: the same in k6 and autocannon. */
export interface RequestContext {
  variant: string;
  keys: number;
  /** What the target's `requestData` returned (null without one). */
  data: unknown;
}

/** The request context of a run. */
export function requestContextOf(http: HttpInterface, ctx: RunContext): RequestContext {
  return { variant: ctx.variant, keys: ctx.keys, data: http.requestData?.(ctx) ?? null };
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
   * JavaScript source of `function request(seed, iteration, context)`
   * returning `{ method, path, headers, body }`: the request numbered
   * `iteration` of the load of `seed`; `context` is the run's
   * {@link RequestContext}. The one definition of the load's requests: k6 embeds
   * it (numbered by its iterationInTest, across every instance) and
   * autocannon evaluates the same source (numbered in the order requests
   * go out), so both engines send the same requests for the same seed.
   */
  requestSource: string;
  /**
   * JSON data every request gets in `context.data`, from what setup returned
   * (e.g. the ids the service assigned to the rows setup created), as k6's
   * `setup()` data reaches its iterations.
   */
  requestData?(ctx: RunContext<Env>): unknown;
  /** How the history records a request: the operation and arguments the checkers read. */
  operationOf(request: HttpRequestSpec): PlannedOperation;
  /** ok / fail from the status and body; `info` for answers that prove nothing (5xx). */
  outcome(status: number, body: unknown): OperationReturn | { outcome: 'info'; error: string };
  /** Statuses a correct service may answer with (the response check). */
  expectedStatuses: number[];
}

/** The one variant of a target that names none: the system as it is, which must hold. */
export const AS_IS_VARIANTS: Record<string, VariantInfo> = {
  'as-is': { description: 'the system as it is', broken: false },
};

/** A target's variants, or `as-is` when it names none (broken variants are for those who ship mutants). */
export function withDefaultVariants<T extends { variants?: Record<string, VariantInfo> }>(
  target: T,
): T & { variants: Record<string, VariantInfo> } {
  return { ...target, variants: target.variants ?? AS_IS_VARIANTS };
}

/** A target whose variants are all mutants proves nothing when it holds: one must be expected to. */
export function assertSomeVariantHolds(target: {
  name: string;
  variants: Record<string, VariantInfo>;
}): void {
  if (!Object.values(target.variants).some((v) => !v.broken))
    throw new Error(`target ${target.name}: at least one variant must hold (broken: false)`);
}

/** What `defineTarget` takes: a target whose database is named, whose variants may be left out. */
export type TargetInput<Client, State, Env, Ops extends Operations<Client, Env>> = Omit<
  TargetDefinition<Client, State, Env, Ops>,
  'database' | 'variants'
> & { database: DatabaseKind; variants?: Record<string, VariantInfo> };

/** Identity helper that gives a user's target full type checking (and the `as-is` variant when it names none). */
export function defineTarget<
  Client,
  State,
  Env = void,
  Ops extends Operations<Client, Env> = Operations<Client, Env>,
>(target: TargetInput<Client, State, Env, Ops>): TargetDefinition<Client, State, Env, Ops> {
  const defined = withDefaultVariants(target);
  assertSomeVariantHolds(defined);
  return defined;
}
