/**
 * What one pass of a run runs on: a fresh scratch database on the target's
 * server (when it has a database), one on each extra kind it asked for, the
 * target's service (started, or found at its URL), and, when the fault plan
 * has network faults, a Toxiproxy proxy the workers reach the service (else
 * the database) through. Disposing stops and drops them all, whatever
 * happened during the pass.
 */
import type { Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import type { ConnectionInfo, DatabaseKind, DatabaseServer } from '../core/database.ts';
import { connectionUrl, hostPort } from '../core/database.ts';
import type { PassRequest, PassResources } from '../core/environment.ts';
import { EnvironmentError } from '../core/errors.ts';
import { isStartedService } from '../core/service.ts';
import { ensureConnectionRoom } from './connection-room.ts';
import type { FaultEnvironment } from './fault-environment.ts';
import { freePort } from './ports.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';
import type { ServerPool } from './server-pool.ts';
import { databaseOfUrl, type RunningServiceProcess, reachService, startService } from './service.ts';
import { createSkewableClock, type SkewableClock } from './skewable-clock.ts';

export type { FaultEnvironment };

export interface ProvidedPass extends PassResources {
  faultEnvironment: FaultEnvironment;
}

export async function providePass(pool: ServerPool, request: PassRequest): Promise<ProvidedPass> {
  const cleanups: (() => Promise<unknown>)[] = [];
  // In reverse: the proxy and the service go before the databases they use.
  const dispose = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    let server: DatabaseServer | undefined;
    let scratch: ScratchDatabase | undefined;
    if (request.database) {
      server = await pool.get(request.database, request.serverSettings);
      await ensureConnectionRoom(server, request.clientConnections ?? 0);
      const created = await createScratchDatabase(server);
      scratch = created;
      cleanups.push(() => created.drop());
    }
    let extraDatabases: Partial<Record<DatabaseKind, ConnectionInfo>> | undefined;
    for (const kind of request.extraDatabases) {
      const extra = await createScratchDatabase(await pool.get(kind));
      cleanups.push(() => extra.drop());
      extraDatabases = { ...extraDatabases, [kind]: extra.info };
    }
    let clock: SkewableClock | undefined;
    if (request.clockFaults) {
      if (request.service && !isStartedService(request.service))
        throw new EnvironmentError(
          `target ${request.target}: a clock-skew fault can only reach a service the harness starts (give a command, not a url)`,
        );
      const created = createSkewableClock();
      clock = created;
      cleanups.push(async () => created.dispose());
    }
    let service: RunningServiceProcess | undefined;
    if (request.service) {
      service = isStartedService(request.service)
        ? await startService(request.service, {
            target: request.target,
            variant: request.variant,
            ...(scratch ? { databaseUrl: connectionUrl(scratch.info) } : {}),
            ...(clock ? { clockEnv: clock.env } : {}),
          })
        : await reachService(request.service);
      const started = service;
      cleanups.push(() => started.stop());
    }
    let proxy: ToxiproxyProxy | undefined;
    let proxyPort = 0;
    if (request.networkFaults) {
      // Workers reach the service (else the database) through Toxiproxy so network toxics apply to them.
      const upstream = service
        ? hostPort(service.host, service.port)
        : server
          ? hostPort(server.admin.host, server.admin.port)
          : undefined;
      if (!upstream)
        throw new EnvironmentError(
          `target ${request.target}: a network fault needs a service or a database to stand in front of`,
        );
      const toxiproxy = await pool.toxiproxy();
      proxyPort = await freePort();
      const created = await toxiproxy.client.createProxy({
        name: `chaos_${request.target}_${proxyPort}`,
        listen: `127.0.0.1:${proxyPort}`,
        upstream,
      });
      proxy = created;
      cleanups.push(() => created.remove());
    }
    const resources: ProvidedPass = {
      faultEnvironment: faultEnvironmentOf(server, scratch, service, request, proxy),
      dispose,
    };
    if (clock) {
      resources.faultEnvironment.clock = clock;
      resources.clockEnv = clock.env;
    }
    if (scratch) {
      // Without a service in between, the workers reach the database through the proxy.
      const throughProxy = proxy && !service ? { host: '127.0.0.1', port: proxyPort } : {};
      resources.database = { ...scratch.info, ...throughProxy };
    }
    if (extraDatabases) resources.extraDatabases = extraDatabases;
    if (service) {
      resources.service = { url: proxy ? `${service.protocol}//127.0.0.1:${proxyPort}` : service.url };
    }
    return resources;
  } catch (error) {
    await dispose();
    throw error;
  }
}

function faultEnvironmentOf(
  server: DatabaseServer | undefined,
  scratch: ScratchDatabase | undefined,
  service: RunningServiceProcess | undefined,
  request: PassRequest,
  proxy: ToxiproxyProxy | undefined,
): FaultEnvironment {
  const environment: FaultEnvironment = {};
  if (service) environment.process = service.processTarget;
  else if (server)
    environment.process = {
      description: server.description,
      ...(server.control ? { control: server.control } : {}),
    };
  const serviceDatabase = request.service?.databaseUrl;
  if (serviceDatabase) environment.sessions = databaseOfUrl(serviceDatabase);
  else if (server && scratch) environment.sessions = { login: server.admin, database: scratch.info.database };
  if (proxy) environment.proxy = proxy;
  return environment;
}
