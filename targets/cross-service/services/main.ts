/**
 * Entry point of one cross-service process: SERVICE (employees | timers),
 * PORT, DATABASE_URL, VARIANT, PEER_URL (the other service),
 * TIMERS_ON_DELETE (delete | orphan).
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createService } from '../../shared/http-service.ts';
import { employeesRoutes, startRelay } from './employees.ts';
import { timersRoutes } from './timers.ts';

const name = process.env.SERVICE ?? '';
const port = Number(process.env.PORT);
const variant = process.env.VARIANT ?? 'correct';
const peer = process.env.PEER_URL ?? '';
const { app, hooks } = createService(name);

if (name === 'employees') {
  const pool = mysql.createPool({ uri: process.env.DATABASE_URL!, connectionLimit: 16 });
  employeesRoutes(app, hooks, pool, variant, peer);
  if (variant !== 'fire-and-forget-delete') startRelay(pool, peer);
} else if (name === 'timers') {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 });
  pool.on('error', () => {});
  timersRoutes(app, hooks, pool, variant, peer, process.env.TIMERS_ON_DELETE ?? 'delete');
} else {
  console.error(`unknown SERVICE "${name}"`);
  process.exit(2);
}
await app.listen({ host: '127.0.0.1', port });
