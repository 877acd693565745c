/**
 * Entry point of one node of the replicated key-value store:
 * NODE_NAME (a | b), PORT, PEER_URL (the other node), DATABASE_URL (this node's own database)
 * and STRATEGY. Started (and restarted after a crash) by the replicated-kv target.
 */
import pg from 'pg';
import { createService } from '../../shared/http-service.ts';
import { NODES, type Node, STRATEGIES, type Strategy } from '../schema.ts';
import { startNode } from './node.ts';

const node = process.env.NODE_NAME as Node;
const strategy = process.env.STRATEGY as Strategy;
if (!NODES.includes(node) || !STRATEGIES.includes(strategy)) {
  console.error(`NODE_NAME must be one of ${NODES.join(', ')} and STRATEGY one of ${STRATEGIES.join(', ')}`);
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 12 });
pool.on('error', () => {});

const { app } = createService(`kv node ${node}`);
await startNode(app, pool, { node, strategy, peerUrl: process.env.PEER_URL ?? '' });
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
