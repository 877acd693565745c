/**
 * One node of the replicated key-value store: clients write and read here;
 * each write is stamped by the node's clock, resolved against what the node
 * holds by the strategy, and put in the outbox in the same transaction; a
 * replicator sends the outbox to the other node, late and sometimes twice,
 * as an asynchronous link does. Applying a version is idempotent and
 * commutative for every strategy, so both nodes end with the same state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { fromLoopback, HttpError, inTransaction } from '../../shared/http-service.ts';
import {
  compareVersions,
  FIELDS,
  type Node,
  type VersionRow as Row,
  registerField,
  type StoredVersion,
  type Strategy,
  type Timestamp,
  versionOf,
} from '../schema.ts';
import { HybridLogicalClock, WallClock, type WriteClock } from './clock.ts';

/** A replicated write waits up to this long before it is sent: the window in which writes conflict. */
const MAX_REPLICATION_DELAY_MS = 120;
/** A batch the other node took is sent again with this probability (at-least-once delivery). */
const REDELIVERY_CHANCE = 0.1;
const BATCH = 100;

export interface NodeOptions {
  node: Node;
  peerUrl: string;
  strategy: Strategy;
}

/** A version on the wire, with what it replaces under the manual strategy. */
type Replicated = StoredVersion & { supersedes: string[] };

const ID = /^[\w.:-]{1,100}$/;

function text(value: unknown, name: string, pattern?: RegExp): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > 200 ||
    (pattern && !pattern.test(value))
  )
    throw new HttpError(
      400,
      'bad_request',
      `${name} must be ${pattern ? 'an id of letters, digits and . _ : -' : 'text'} of at most ${pattern ? 100 : 200} characters`,
    );
  return value;
}

function timestamp(value: unknown, name: string): Timestamp {
  const ts = value as Timestamp;
  if (
    !ts ||
    !Number.isSafeInteger(ts.wall) ||
    !Number.isSafeInteger(ts.logical) ||
    ts.wall < 0 ||
    ts.logical < 0
  )
    throw new HttpError(400, 'bad_request', `${name} must be { wall, logical }, non-negative integers`);
  return { wall: ts.wall, logical: ts.logical };
}

function ids(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 100)
    throw new HttpError(400, 'bad_request', `${name} must be a list of at most 100 write ids`);
  return value.map((id, i) => text(id, `${name}[${i}]`, ID));
}

function replicated(value: unknown, i: number): Replicated {
  const v = (value ?? {}) as Record<string, unknown>;
  const at = `versions[${i}]`;
  const origin = v.origin;
  if (origin !== 'a' && origin !== 'b')
    throw new HttpError(400, 'bad_request', `${at}.origin must be a or b`);
  return {
    key: text(v.key, `${at}.key`),
    field: text(v.field, `${at}.field`),
    writeId: text(v.writeId, `${at}.writeId`, ID),
    value: text(v.value, `${at}.value`),
    ts: timestamp(v.ts, `${at}.ts`),
    origin,
    supersedes: ids(v.supersedes, `${at}.supersedes`),
  };
}

async function insertVersion(db: pg.PoolClient, v: StoredVersion) {
  await db.query(
    `INSERT INTO versions (key, field, write_id, value, wall, logical, origin)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [v.key, v.field, v.writeId, v.value, v.ts.wall, v.ts.logical, v.origin],
  );
}

/** Serialise the writes of one register on this node. */
const lockRegister = (db: pg.PoolClient, key: string, field: string) =>
  db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${key}/${field}`]);

/**
 * Resolve `v` against the register's versions by the strategy, inside the caller's transaction,
 * which holds the register's lock. Returns whether `v` is among the register's versions afterwards.
 */
async function apply(db: pg.PoolClient, strategy: Strategy, v: Replicated): Promise<boolean> {
  if (strategy === 'manual') {
    // Siblings: every version no later write replaced; replaced ones are remembered, so order does not matter.
    await db.query(
      'INSERT INTO superseded (key, write_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
      [v.key, v.supersedes],
    );
    const replaced = await db.query('SELECT 1 FROM superseded WHERE key = $1 AND write_id = $2', [
      v.key,
      v.writeId,
    ]);
    if (replaced.rowCount === 0) await insertVersion(db, v);
    await db.query(
      'DELETE FROM versions WHERE key = $1 AND write_id IN (SELECT write_id FROM superseded WHERE key = $1)',
      [v.key],
    );
    return replaced.rowCount === 0;
  }
  const current = (
    await db.query<Row>('SELECT * FROM versions WHERE key = $1 AND field = $2', [v.key, v.field])
  ).rows.map(versionOf)[0];
  if (current?.writeId === v.writeId) return true; // delivered again
  const wins =
    !current ||
    (strategy === 'first-write-wins' ? compareVersions(v, current) < 0 : compareVersions(v, current) > 0);
  if (wins) {
    await db.query('DELETE FROM versions WHERE key = $1 AND field = $2', [v.key, v.field]);
    await insertVersion(db, v);
  }
  return wins;
}

export async function startNode(app: FastifyInstance, pool: pg.Pool, options: NodeOptions): Promise<void> {
  const { node, strategy } = options;
  const clock: WriteClock = strategy === 'lww-wall-clock' ? new WallClock() : new HybridLogicalClock();
  // After a restart the clock starts from the newest timestamp this node holds, never behind it.
  const newest = await pool.query<Row>('SELECT * FROM versions ORDER BY wall DESC, logical DESC LIMIT 1');
  if (newest.rows[0]) clock.observe(versionOf(newest.rows[0]).ts);

  app.post<{ Params: { key: string } }>('/kv/:key', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const key = text(request.params.key, 'key');
    const field = text(body.field, 'field');
    if (!(FIELDS as readonly string[]).includes(field))
      throw new HttpError(400, 'bad_request', `field must be one of ${FIELDS.join(', ')}`);
    const writeId = text(body.writeId, 'writeId', ID);
    const value = text(body.value, 'value');
    // The newest timestamp the client has seen: its next write must come after it.
    const after = body.after === undefined ? undefined : timestamp(body.after, 'after');
    const supersedes = ids(body.supersedes, 'supersedes');
    return inTransaction(pool, async (db) => {
      const register = registerField(strategy, field);
      await lockRegister(db, key, register);
      if (strategy === 'first-write-wins') {
        const taken = await db.query('SELECT write_id FROM versions WHERE key = $1', [key]);
        if (taken.rowCount)
          throw new HttpError(409, 'exists', `${key} was already written by ${taken.rows[0].write_id}`);
      }
      if (after) clock.observe(after);
      const version: Replicated = {
        key,
        field: register,
        writeId,
        value,
        ts: clock.tick(),
        origin: node,
        supersedes,
      };
      const kept = await apply(db, strategy, version);
      await db.query('INSERT INTO outbox (version) VALUES ($1)', [JSON.stringify(version)]);
      return { writeId, field: register, ts: version.ts, node, kept };
    });
  });

  app.get<{ Params: { key: string } }>('/kv/:key', async (request) => {
    const key = text(request.params.key, 'key');
    const rows = await pool.query<Row>('SELECT * FROM versions WHERE key = $1 ORDER BY field, write_id', [
      key,
    ]);
    return { key, node, versions: rows.rows.map(versionOf) };
  });

  app.post('/replicate', async (request) => {
    if (!fromLoopback(request)) throw new HttpError(403, 'forbidden', 'loopback only');
    const body = (request.body ?? {}) as { versions?: unknown };
    if (!Array.isArray(body.versions) || body.versions.length > BATCH)
      throw new HttpError(400, 'bad_request', `versions must be a list of at most ${BATCH}`);
    const versions = body.versions.map(replicated);
    for (const version of versions) {
      clock.observe(version.ts);
      await inTransaction(pool, async (db) => {
        await lockRegister(db, version.key, version.field);
        return apply(db, strategy, version);
      });
    }
    return { applied: versions.length };
  });

  app.get('/_chaos/pending', async () => {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM outbox');
    return { node, pending: rows[0].n };
  });

  void replicate(pool, options.peerUrl);
}

/** Send the outbox to the other node, oldest first, until the process ends. */
async function replicate(pool: pg.Pool, peerUrl: string): Promise<never> {
  for (;;) {
    try {
      const { rows } = await pool.query<{ seq: string; version: Replicated }>(
        'SELECT seq, version FROM outbox ORDER BY seq LIMIT $1',
        [BATCH],
      );
      if (rows.length === 0) {
        await sleep(10);
        continue;
      }
      await sleep(Math.random() * MAX_REPLICATION_DELAY_MS);
      const response = await fetch(`${peerUrl}/replicate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ versions: rows.map((r) => r.version) }),
        signal: AbortSignal.timeout(2000),
      });
      await response.body?.cancel();
      if (response.ok && Math.random() >= REDELIVERY_CHANCE)
        await pool.query('DELETE FROM outbox WHERE seq <= $1', [rows.at(-1)!.seq]);
    } catch {
      // The other node is down or slow, or the database is: try again shortly.
      await sleep(50);
    }
  }
}
