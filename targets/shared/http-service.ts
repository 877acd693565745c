/**
 * What every saga service shares: a Fastify app with JSON error bodies, a
 * health check, Idempotency-Key handling, and fault hooks on a control
 * endpoint that only answers loopback callers.
 */
import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type pg from 'pg';

export interface FaultHooks {
  /** Answer the next N mutating requests with 503 before doing anything. */
  failNext: number;
  /** Delay every request by this many ms. */
  delayMs: number;
  /** Commit the next N mutating requests, then drop the connection without answering (the ambiguous case). */
  crashAfterCommit: number;
  /**
   * Crash right after committing a change to the entity with this id ('' for none): a crash aimed
   * at one request, which no other request can use up.
   */
  crashAfterCommitOf: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const IDEMPOTENCY_TTL = '10 minutes';

export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}

/** Fault hooks answer only callers on this machine. */
export function fromLoopback(request: FastifyRequest): boolean {
  return ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '');
}

export function createService(name: string): { app: FastifyInstance; hooks: FaultHooks } {
  const app = Fastify({ logger: false });
  const hooks: FaultHooks = { failNext: 0, delayMs: 0, crashAfterCommit: 0, crashAfterCommitOf: '' };

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    if (error instanceof HttpError)
      return reply.status(error.status).send({ error: error.code, message: error.message });
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const code = status === 400 ? 'bad_request' : status === 415 ? 'unsupported_media_type' : 'internal';
    return reply.status(status).send({ error: code, message: error.message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `${request.method} ${request.url}` }),
  );

  app.get('/health', async () => ({ service: name, ok: true }));

  // Fault hooks: only for callers on this machine.
  app.post('/_chaos', async (request, reply) => {
    if (!fromLoopback(request))
      return reply.status(403).send({ error: 'forbidden', message: 'loopback only' });
    const body = (request.body ?? {}) as Partial<FaultHooks>;
    for (const key of ['failNext', 'delayMs', 'crashAfterCommit'] as const) {
      if (body[key] !== undefined) {
        if (!Number.isInteger(body[key]) || body[key]! < 0)
          throw new HttpError(400, 'bad_request', `${key} must be a non-negative integer`);
        hooks[key] = body[key]!;
      }
    }
    const target = body.crashAfterCommitOf;
    if (target !== undefined) {
      if (typeof target !== 'string' || target.length > 200)
        throw new HttpError(400, 'bad_request', 'crashAfterCommitOf must be an id of at most 200 characters');
      hooks.crashAfterCommitOf = target;
    }
    return hooks;
  });

  // A crash on request: the process dies at once, as if killed, mid-request if one is running.
  app.post('/_chaos/crash', async (request, reply) => {
    if (!fromLoopback(request))
      return reply.status(403).send({ error: 'forbidden', message: 'loopback only' });
    const inMs = (request.body as { inMs?: unknown } | undefined)?.inMs ?? 0;
    if (!Number.isInteger(inMs) || (inMs as number) < 0 || (inMs as number) > 10_000)
      throw new HttpError(400, 'bad_request', 'inMs must be an integer from 0 to 10000');
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), inMs as number);
    return { crashingInMs: inMs };
  });

  app.addHook('onRequest', async (request) => {
    if (hooks.delayMs > 0) await new Promise((r) => setTimeout(r, hooks.delayMs));
    if (request.method === 'POST' && !request.url.startsWith('/_chaos') && hooks.failNext > 0) {
      hooks.failNext--;
      throw new HttpError(503, 'injected_failure', `${name}: injected failure`);
    }
  });
  return { app, hooks };
}

/**
 * Whether the crash-after-commit hooks call for a crash now, after the effect
 * on `entityId` committed: the next effect (`crashAfterCommit`, counted down)
 * or this entity's (`crashAfterCommitOf`).
 */
export function crashDueAfterCommit(hooks: FaultHooks, entityId: string): boolean {
  if (hooks.crashAfterCommitOf !== '' && hooks.crashAfterCommitOf === entityId) {
    hooks.crashAfterCommitOf = '';
    return true;
  }
  if (hooks.crashAfterCommit <= 0) return false;
  hooks.crashAfterCommit--;
  return true;
}

/** After the effect on `entityId` has committed: maybe drop the connection instead of answering. */
export function maybeCrashAfterCommit(hooks: FaultHooks, reply: FastifyReply, entityId: string): boolean {
  if (!crashDueAfterCommit(hooks, entityId)) return false;
  reply.hijack();
  reply.raw.socket?.destroy();
  return true;
}

export function idempotencyKey(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
    throw new HttpError(
      400,
      'missing_idempotency_key',
      'an Idempotency-Key header (1-200 characters) is required',
    );
  }
  return key;
}

export interface Stored {
  status: number;
  body: unknown;
}

/**
 * Run `effect` once per Idempotency-Key, in one transaction with the stored
 * result: a repeat with the same body gets the stored result, a repeat with
 * another body a 422, and concurrent repeats wait for the first to finish.
 */
export function idempotent(
  pool: pg.Pool,
  key: string,
  body: unknown,
  effect: (client: pg.PoolClient) => Promise<Stored>,
): Promise<Stored> {
  const hash = requestHash(body);
  return inTransaction(pool, async (db) => {
    // Expired keys are cleaned as we go.
    await db.query('DELETE FROM idempotency WHERE key = $1 AND expires_at < now()', [key]);
    // Claims the key; a concurrent request with the same key blocks here until we commit.
    const claimed = await db.query(
      `INSERT INTO idempotency (key, request_hash, status, response, expires_at)
       VALUES ($1, $2, 0, 'null', now() + interval '${IDEMPOTENCY_TTL}') ON CONFLICT (key) DO NOTHING`,
      [key, hash],
    );
    if (claimed.rowCount === 0) {
      const stored = (
        await db.query('SELECT request_hash, status, response FROM idempotency WHERE key = $1', [key])
      ).rows[0];
      if (stored.request_hash !== hash) {
        throw new HttpError(
          422,
          'idempotency_key_reused',
          'this Idempotency-Key was used with a different request body',
        );
      }
      return { status: stored.status, body: stored.response };
    }
    const result = await effect(db);
    await db.query('UPDATE idempotency SET status = $2, response = $3 WHERE key = $1', [
      key,
      result.status,
      JSON.stringify(result.body),
    ]);
    return result;
  });
}

/** Run `work` in one Postgres transaction: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const result = await work(db);
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    db.release();
  }
}

/** Periodically remove expired idempotency records. */
export function cleanExpiredKeys(pool: pg.Pool, everyMs = 30_000): NodeJS.Timeout {
  const timer = setInterval(() => {
    pool.query('DELETE FROM idempotency WHERE expires_at < now()').catch(() => {});
  }, everyMs);
  timer.unref();
  return timer;
}

export function requireFields<T extends Record<string, unknown>>(
  body: unknown,
  fields: Record<keyof T, 'string' | 'number'>,
): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'bad_request', 'expected a JSON object');
  for (const [field, type] of Object.entries(fields)) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value !== type || (type === 'number' && !(Number.isInteger(value) && (value as number) > 0))) {
      throw new HttpError(
        400,
        'bad_request',
        `${field} must be ${type === 'number' ? 'a positive integer' : 'a string'}`,
      );
    }
  }
  return body as T;
}
