/**
 * Entry point of one choreographed service: CHOREO_SERVICE (orders |
 * inventory | payments), PORT, DATABASE_URL, VARIANT, SERVICE_URLS (every
 * service's URL, for the relay). Started (and restarted after a crash) by
 * the choreography target.
 */
import pg from 'pg';
import { createService } from '../../shared/http-service.ts';
import { SERVICES, type ServiceName } from '../schema.ts';
import { consumeRoute, startRelay } from './event-bus.ts';
import { inventoryHandlers, ordersRoutes, paymentsHandlers } from './handlers.ts';

const name = process.env.CHOREO_SERVICE as ServiceName;
const port = Number(process.env.PORT);
const variant = process.env.VARIANT ?? 'correct';
if (!SERVICES.includes(name)) {
  console.error(`unknown CHOREO_SERVICE "${name}"`);
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 12 });
pool.on('error', () => {});

const { app, hooks } = createService(`choreography ${name}`);
const handlers =
  name === 'orders'
    ? ordersRoutes(app, pool)
    : name === 'inventory'
      ? inventoryHandlers(variant)
      : paymentsHandlers;
consumeRoute(app, hooks, pool, handlers, {
  dedupe: !(name === 'payments' && variant === 'consumer-no-dedup'),
  emitAfterCommit: name === 'payments' && variant === 'publish-outside-tx',
});
await app.listen({ host: '127.0.0.1', port });
startRelay(pool, JSON.parse(process.env.SERVICE_URLS ?? '{}'));
