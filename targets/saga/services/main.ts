/**
 * Entry point of one saga service process: SAGA_SERVICE names it, PORT,
 * DATABASE_URL, VARIANT and SERVICE_URLS (for the orchestrator) configure it.
 * Started (and restarted after a crash) by the saga target.
 */
import pg from 'pg';
import { cleanExpiredKeys, createService } from '../../shared/http-service.ts';
import { inventoryRoutes } from './inventory.ts';
import { orchestratorRoutes } from './orchestrator.ts';
import { ordersRoutes } from './orders.ts';
import { paymentsRoutes } from './payments.ts';
import { DatabaseSagaLog, MemorySagaLog } from './saga-log.ts';

const name = process.env.SAGA_SERVICE ?? '';
/** How often the orchestrator looks for sagas nobody is finishing. */
const RECOVERY_SWEEP_MS = 1000;
const port = Number(process.env.PORT);
const variant = process.env.VARIANT ?? 'correct';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 });
pool.on('error', () => {});

const { app, hooks } = createService(name);
let recover: (() => Promise<number>) | undefined;
switch (name) {
  case 'orders':
    ordersRoutes(app, hooks, pool);
    break;
  case 'payments':
    paymentsRoutes(app, hooks, pool, variant);
    break;
  case 'inventory':
    inventoryRoutes(app, hooks, pool);
    break;
  case 'orchestrator': {
    const log = variant === 'no-saga-log' ? new MemorySagaLog() : new DatabaseSagaLog(pool);
    recover = orchestratorRoutes(
      app,
      hooks,
      log,
      JSON.parse(process.env.SERVICE_URLS ?? '{}'),
      variant,
    ).recover;
    break;
  }
  default:
    console.error(`unknown SAGA_SERVICE "${name}"`);
    process.exit(2);
}
if (name !== 'orchestrator') cleanExpiredKeys(pool);

await app.listen({ host: '127.0.0.1', port });
if (recover) {
  const sweep = recover;
  await sweep().catch(() => 0);
  // A saga whose run broke off because the saga log's database failed (a crash, a pause) would
  // otherwise wait for the next restart of this process; the sweep finishes it once the database is back.
  let sweeping = false;
  setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch(() => 0)
      .finally(() => {
        sweeping = false;
      });
  }, RECOVERY_SWEEP_MS);
}
