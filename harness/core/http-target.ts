/**
 * `defineHttpTarget`: a user's HTTP service as a target, in any language,
 * with no database of the harness's unless it asks for one. The operations
 * get an HTTP client bound to the service's URL (through Toxiproxy when the
 * run has network faults) and to the operation's deadline, so nothing keeps
 * running once an outcome was recorded as `info`.
 */
import type { Checker } from './check.ts';
import type { ConnectionInfo, DatabaseKind } from './database.ts';
import type { ServiceEndpoint, ServiceSpec } from './service.ts';
import {
  assertSomeVariantHolds,
  type OperationReturn,
  type PlannedCall,
  type TargetContext,
  type TargetDefinition,
  type VariantInfo,
  withDefaultVariants,
} from './target.ts';
import type { PlanContext } from './workload.ts';

export interface HttpResponse {
  status: number;
  /** The body parsed as JSON when it is JSON, else its text ('' when empty). */
  body: unknown;
  headers: Headers;
}

export interface HttpRequestOptions {
  headers?: Record<string, string>;
}

/** Requests to the service; a path is relative to its URL. */
export interface HttpClient {
  readonly baseUrl: string;
  request(method: string, path: string, body?: unknown, options?: HttpRequestOptions): Promise<HttpResponse>;
  get(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  post(path: string, body?: unknown, options?: HttpRequestOptions): Promise<HttpResponse>;
  put(path: string, body?: unknown, options?: HttpRequestOptions): Promise<HttpResponse>;
  patch(path: string, body?: unknown, options?: HttpRequestOptions): Promise<HttpResponse>;
  delete(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
}

/** A refused connection: the request never reached the service, so it surely did not take effect (`fail`). */
function notSent(error: unknown): boolean {
  return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
}

async function parsed(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').includes('json') || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A client of `baseUrl` whose every request is abandoned when `signal` fires. */
export function httpClient(baseUrl: string, signal?: AbortSignal): HttpClient {
  const request = async (method: string, path: string, body?: unknown, options: HttpRequestOptions = {}) => {
    const headers =
      body === undefined
        ? { ...options.headers }
        : { 'content-type': 'application/json', ...options.headers };
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (notSent(error))
        throw Object.assign(new Error(`${new URL(baseUrl).host} refused the connection`), { notSent: true });
      throw error;
    }
    return { status: response.status, body: await parsed(response), headers: response.headers };
  };
  return {
    baseUrl,
    request,
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
    put: (path, body, options) => request('PUT', path, body, options),
    patch: (path, body, options) => request('PATCH', path, body, options),
    delete: (path, options) => request('DELETE', path, undefined, options),
  };
}

/** What a service target's functions get: the run, the service's endpoint, and a database only if it asked for one. */
export interface HttpTargetContext {
  variant: string;
  seed: number;
  keys: number;
  service: ServiceEndpoint;
  /** The scratch database, when the target asked for one (`database`); the service got it as DATABASE_URL. */
  database?: ConnectionInfo;
}

export type HttpOperation<Args = unknown, Value = unknown> = {
  operation(http: HttpClient, args: Args, ctx: HttpTargetContext): Promise<OperationReturn<Value>>;
}['operation'];

/** How long reading the final state may take: no deadline signal reaches it otherwise. */
const FINAL_STATE_TIMEOUT_MS = 30_000;

export interface HttpTargetDefinition<State, Ops extends Record<string, HttpOperation>> {
  name: string;
  description: string;
  /** Started by the harness (`command`), or running at a loopback `url`. */
  service: ServiceSpec;
  /** A scratch database for the service, passed to it as DATABASE_URL. */
  database?: DatabaseKind;
  /** Leave out for a system you did not write twice: it then has one variant, `as-is`, which must hold. */
  variants?: Record<string, VariantInfo>;
  /** Seed the service before the workload (e.g. create the accounts it will update). */
  setup?(http: HttpClient, ctx: HttpTargetContext): Promise<void>;
  operations: Ops;
  plan(ctx: PlanContext): PlannedCall<Ops>;
  /** Read, after the workload stopped, the state the checkers judge (e.g. GET every row). */
  finalState(http: HttpClient, ctx: HttpTargetContext): Promise<State>;
  checkers: Checker<State>[];
}

function httpContextOf(ctx: TargetContext): HttpTargetContext {
  if (!ctx.service) throw new Error('a service target ran without its service');
  const { variant, seed, keys, service } = ctx;
  // A service target without a database of the harness's has none in its context at all.
  const database = (ctx as Partial<TargetContext>).database;
  return { variant, seed, keys, service, ...(database ? { database } : {}) };
}

/** A user's HTTP service as a target: operations over HTTP, faults on the service itself. */
export function defineHttpTarget<State, Ops extends Record<string, HttpOperation>>(
  definition: HttpTargetDefinition<State, Ops>,
): TargetDefinition<string, State, HttpTargetContext> {
  const operations: Record<string, TargetDefinition<string, State, HttpTargetContext>['operations'][string]> =
    {};
  for (const [name, operation] of Object.entries(definition.operations)) {
    operations[name] = (baseUrl, args, ctx) => operation(httpClient(baseUrl, ctx.signal), args, ctx.env);
  }
  const target: TargetDefinition<string, State, HttpTargetContext> = {
    name: definition.name,
    description: definition.description,
    service: definition.service,
    ...(definition.database ? { database: definition.database } : {}),
    variants: withDefaultVariants(definition).variants,
    async setup(ctx) {
      const context = httpContextOf(ctx);
      await definition.setup?.(
        httpClient(context.service.url, AbortSignal.timeout(FINAL_STATE_TIMEOUT_MS)),
        context,
      );
      return context;
    },
    // Each worker's "client" is the service's URL: every operation gets a client bound to its own deadline.
    connect: async (ctx) => ctx.env.service.url,
    disconnect: async () => {},
    operations,
    plan: (ctx) => definition.plan(ctx),
    finalState: (ctx) =>
      definition.finalState(
        httpClient(ctx.env.service.url, AbortSignal.timeout(FINAL_STATE_TIMEOUT_MS)),
        ctx.env,
      ),
    checkers: definition.checkers,
  };
  assertSomeVariantHolds(target);
  return target;
}
