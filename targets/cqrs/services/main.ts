/**
 * Entry point of one CQRS process: CQRS_SERVICE (write | read | projector),
 * PORT, WRITE_DATABASE_URL, READ_DATABASE_URL, VARIANT, and REPLICA for a
 * projector. Started (and restarted after a crash) by the cqrs target.
 */
import pg from 'pg';
import { createService } from '../../shared/http-service.ts';
import { POLL_MS, REPLICAS, type Replica } from '../schema.ts';
import { startProjector } from './projector.ts';
import { readRoutes } from './read.ts';
import { writeRoutes } from './write.ts';

const name = process.env.CQRS_SERVICE ?? '';
const port = Number(process.env.PORT);
const variant = process.env.VARIANT ?? 'correct';
const pool = (url: string | undefined) => {
  const created = new pg.Pool({ connectionString: url, max: 12 });
  created.on('error', () => {});
  return created;
};

const { app } = createService(`cqrs ${name}`);
switch (name) {
  case 'write':
    writeRoutes(app, pool(process.env.WRITE_DATABASE_URL));
    break;
  case 'read':
    readRoutes(app, pool(process.env.READ_DATABASE_URL), variant);
    break;
  case 'projector': {
    const replica = process.env.REPLICA as Replica;
    if (!REPLICAS.includes(replica)) {
      console.error(`unknown REPLICA "${replica}"`);
      process.exit(2);
    }
    startProjector(app, {
      replica,
      write: pool(process.env.WRITE_DATABASE_URL),
      read: pool(process.env.READ_DATABASE_URL),
      variant,
      pollMs: POLL_MS[replica],
    });
    break;
  }
  default:
    console.error(`unknown CQRS_SERVICE "${name}"`);
    process.exit(2);
}
await app.listen({ host: '127.0.0.1', port });
