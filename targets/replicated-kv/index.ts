/**
 * Conflict resolution under clock skew: a key-value store replicated on two
 * nodes (child processes on loopback, each with its own Postgres database),
 * both accepting writes and sending them to each other asynchronously. The
 * variants are the conflict strategies: last write wins on a hybrid logical
 * clock (correct), first write wins, field-level merge and manual (siblings
 * kept for review); broken: last write wins on each node's wall clock.
 *
 * Each worker is a client session: it sends the newest timestamp it has seen
 * with its writes (and, for the manual strategy, the versions it replaces).
 * Node a runs on the pass's skewable clock, so a clock-skew fault moves its
 * clock and only its clock.
 */
import { connectionUrl } from '../../harness/core/database.ts';
import { defineTarget, fail, ok, type TargetContext } from '../../harness/core/target.ts';
import { connectPostgres } from '../../harness/providers/db.ts';
import { startOnFreePorts } from '../../harness/providers/ports.ts';
import { type ServerProcess, startAll } from '../../harness/providers/server-process.ts';
import {
  createServiceDatabases,
  dropServiceDatabases,
  serviceDatabase,
} from '../shared/service-databases.ts';
import { postJson, sendJson, serviceMain, serviceProcess } from '../shared/service-process.ts';
import { type KvState, kvCheckers, type SeenVersion, type WriteArgs, type WriteValue } from './checkers.ts';
import {
  FIELDS,
  later,
  NODE_SCHEMA,
  NODES,
  type Node,
  type StoredVersion,
  type Timestamp,
  versionOf,
} from './schema.ts';

const MAIN = serviceMain(import.meta.url);
const QUIESCENCE_MS = 15_000;
/** The node whose clock the clock-skew fault moves. */
const SKEWED: Node = 'a';
/** Under first-write-wins each worker moves to fresh keys every this many operations (written once, claimed by many). */
const CLAIM_EPOCH = 12;

export interface KvNodes {
  urls: Record<Node, string>;
  processes: Record<Node, ServerProcess>;
  /** Per worker, what its session has seen; kept here, as a replaced client stands for the same user. */
  sessions: Map<number, SessionState>;
}

interface SessionState {
  /** The newest timestamp seen: the session's next write must be stamped after it. */
  after?: Timestamp;
  /** Per key, the versions the session last saw (replaced by its next write under the manual strategy). */
  seen: Map<string, string[]>;
}

interface Session {
  nodes: KvNodes;
  state: SessionState;
}

const nodeDatabase = (node: Node) => `node_${node}`;

async function startNodes(ctx: TargetContext, ports: number[]) {
  const urls = Object.fromEntries(NODES.map((n, i) => [n, `http://127.0.0.1:${ports[i]}`])) as Record<
    Node,
    string
  >;
  const processes = Object.fromEntries(
    NODES.map((node, i) => [
      node,
      serviceProcess(`kv node ${node}`, MAIN, ports[i]!, {
        NODE_NAME: node,
        STRATEGY: ctx.variant,
        PEER_URL: urls[NODES[1 - i]!],
        DATABASE_URL: connectionUrl(serviceDatabase(ctx, nodeDatabase(node))),
        ...(node === SKEWED ? ctx.clockEnv : {}),
      }),
    ]),
  ) as Record<Node, ServerProcess>;
  await startAll(NODES.map((n) => processes[n]));
  return { urls, processes };
}

async function pendingOf(nodes: KvNodes): Promise<Record<Node, number>> {
  const pending = {} as Record<Node, number>;
  for (const node of NODES) {
    const response = await sendJson('GET', `${nodes.urls[node]}/_chaos/pending`).catch(() => undefined);
    pending[node] = response?.status === 200 ? Number(response.body.pending) : Number.POSITIVE_INFINITY;
  }
  return pending;
}

/** Wait until neither node has writes left to send (twice in a row: a batch may be in flight), up to a limit. */
async function quiesce(nodes: KvNodes): Promise<Record<Node, number>> {
  const deadline = Date.now() + QUIESCENCE_MS;
  let quietRounds = 0;
  for (;;) {
    const pending = await pendingOf(nodes);
    quietRounds = NODES.every((n) => pending[n] === 0) ? quietRounds + 1 : 0;
    if (quietRounds === 2 || Date.now() > deadline) return pending;
    await new Promise((r) => setTimeout(r, 150));
  }
}

function remember(state: SessionState, key: string, versions: Pick<SeenVersion, 'writeId' | 'ts'>[]) {
  for (const { ts } of versions) if (!state.after || later(ts, state.after)) state.after = ts;
  state.seen.set(
    key,
    versions.map((v) => v.writeId),
  );
}

export const replicatedKv = defineTarget<Session, KvState, KvNodes>({
  name: 'replicated-kv',
  description: 'a key-value store on two nodes that both take writes and replicate them asynchronously',
  database: 'postgres',
  variants: {
    'lww-hlc': {
      description:
        'last write wins, by a hybrid logical clock that follows every timestamp a node or client saw',
      broken: false,
    },
    'first-write-wins': {
      description:
        'a key is written once: a node refuses a key it holds, and the earliest concurrent write wins',
      broken: false,
    },
    'field-merge': {
      description: 'last write wins per field, so concurrent updates of different fields both survive',
      broken: false,
    },
    manual: {
      description:
        'concurrent writes are all kept as siblings for review; a write replaces only the versions its client saw',
      broken: false,
    },
    'lww-wall-clock': {
      description: "last write wins by each node's wall clock, which a skewed clock turns against causality",
      broken: true,
    },
  },
  async setup(ctx) {
    await createServiceDatabases(
      ctx,
      Object.fromEntries(NODES.map((node) => [nodeDatabase(node), NODE_SCHEMA])),
    );
    const { urls, processes } = await startOnFreePorts(NODES.length, (ports) => startNodes(ctx, ports));
    return { urls, processes, sessions: new Map() };
  },
  async teardown(ctx) {
    await Promise.all(NODES.map((n) => ctx.env.processes[n].stop()));
    await dropServiceDatabases(ctx, NODES.map(nodeDatabase));
  },
  connect: async (ctx, worker) => {
    if (!ctx.env.sessions.has(worker)) ctx.env.sessions.set(worker, { seen: new Map() });
    return { nodes: ctx.env, state: ctx.env.sessions.get(worker)! };
  },
  disconnect: async () => {},
  operations: {
    async write(session, args: WriteArgs, ctx) {
      const { state } = session;
      const response = await postJson(
        `${session.nodes.urls[args.node]}/kv/${encodeURIComponent(args.key)}`,
        {
          field: args.field,
          value: args.value,
          writeId: args.writeId,
          ...(state.after ? { after: state.after } : {}),
          supersedes: state.seen.get(args.key) ?? [],
        },
        { signal: ctx.signal },
      );
      if (response.status >= 500)
        throw new Error(`node ${args.node} ${response.status}: ${String(response.body.message)}`);
      if (response.status >= 400) return fail(String(response.body.error));
      const written = response.body as unknown as WriteValue;
      remember(state, args.key, [{ writeId: args.writeId, ts: written.ts }]);
      return ok({ field: written.field, ts: written.ts, node: written.node });
    },
    async read(session, args: { key: string; node: Node }, ctx) {
      const response = await sendJson(
        'GET',
        `${session.nodes.urls[args.node]}/kv/${encodeURIComponent(args.key)}`,
        undefined,
        { signal: ctx.signal },
      );
      if (response.status !== 200) return fail(String(response.body.error ?? response.status));
      const versions = (response.body as { versions: StoredVersion[] }).versions;
      remember(session.state, args.key, versions);
      // The history keeps what places each version in causal order, not its value.
      const seen: SeenVersion[] = versions.map(({ field, writeId, ts }) => ({ field, writeId, ts }));
      return ok({ versions: seen });
    },
  },
  plan: ({ rng, worker, index, chooseKey, variant }) => {
    const node = rng.pick(NODES);
    const key =
      variant === 'first-write-wins'
        ? `claim-${Math.floor(index / CLAIM_EPOCH)}-${chooseKey()}`
        : `key-${chooseKey()}`;
    if (rng.chance(0.5)) return { op: 'read', args: { key, node } };
    const writeId = `${worker}-${index}`;
    return { op: 'write', args: { key, field: rng.pick(FIELDS), value: `v${writeId}`, writeId, node } };
  },
  async finalState(ctx) {
    const pending = await quiesce(ctx.env);
    const nodes = {} as Record<Node, StoredVersion[]>;
    for (const node of NODES) {
      const db = await connectPostgres(serviceDatabase(ctx, nodeDatabase(node)));
      try {
        nodes[node] = (await db.query('SELECT * FROM versions')).rows.map(versionOf);
      } finally {
        await db.end();
      }
    }
    return { strategy: ctx.variant as KvState['strategy'], nodes, pending };
  },
  checkers: kvCheckers,
});
