/**
 * The databases of one pass of a run: a fresh scratch database on the
 * target's server, one on each extra kind it asked for, and (when the fault
 * plan has network faults) a Toxiproxy proxy the workers connect through.
 * Disposing drops them all, whatever happened during the pass.
 */
import type { Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import type { ConnectionInfo, DatabaseKind, DatabaseServer } from '../core/database.ts';
import { hostPort } from '../core/database.ts';
import type { PassDatabases, PassRequest } from '../core/environment.ts';
import { freePort } from './ports.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';
import type { ServerPool } from './server-pool.ts';

/** What faults act on: the server, the scratch database reached directly, and the proxy. */
export interface FaultEnvironment {
  server: DatabaseServer;
  /** The run's scratch database, reached directly (not through the proxy). */
  database: ConnectionInfo;
  /** Present when the run has network faults: the workers' traffic goes through it. */
  proxy?: ToxiproxyProxy;
}

export interface ProvidedDatabases extends PassDatabases {
  faultEnvironment: FaultEnvironment;
}

export async function provideDatabases(pool: ServerPool, request: PassRequest): Promise<ProvidedDatabases> {
  const server = await pool.get(request.database, request.serverSettings);
  const scratch = await createScratchDatabase(server);
  const extras: ScratchDatabase[] = [];
  let proxy: ToxiproxyProxy | undefined;
  const dispose = async () => {
    await proxy?.remove().catch(() => {});
    await scratch.drop().catch(() => {});
    for (const extra of extras) await extra.drop().catch(() => {});
  };
  try {
    let database = scratch.info;
    if (request.networkFaults) {
      // Workers reach the database through Toxiproxy so network toxics apply to them.
      const toxiproxy = await pool.toxiproxy();
      const port = await freePort();
      proxy = await toxiproxy.client.createProxy({
        name: scratch.info.database,
        listen: `127.0.0.1:${port}`,
        upstream: hostPort(server.admin.host, server.admin.port),
      });
      database = { ...scratch.info, host: '127.0.0.1', port };
    }
    let extraDatabases: Partial<Record<DatabaseKind, ConnectionInfo>> | undefined;
    for (const kind of request.extraDatabases) {
      const extra = await createScratchDatabase(await pool.get(kind));
      extras.push(extra);
      extraDatabases = { ...extraDatabases, [kind]: extra.info };
    }
    return {
      database,
      ...(extraDatabases ? { extraDatabases } : {}),
      faultEnvironment: { server, database: scratch.info, ...(proxy ? { proxy } : {}) },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
