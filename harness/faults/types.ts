/**
 * A fault action breaks one thing at the start of a window and heals it at
 * the end. What it acts on is the fault environment: the database server
 * (its processes, for the process provider), the run's scratch database, and
 * the Toxiproxy proxy the workers connect through.
 */
import type { Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import type { ConnectionInfo, DatabaseServer } from '../providers/types.ts';
import type { FaultWindow } from './spec.ts';

export interface FaultEnvironment {
  server: DatabaseServer;
  /** The run's scratch database, reached directly (not through the proxy). */
  database: ConnectionInfo;
  /** Present when the run has network faults: the workers' traffic goes through it. */
  proxy?: ToxiproxyProxy;
}

export interface FaultAction {
  /** Break something; the returned detail goes into the history's fault-start event. */
  start(env: FaultEnvironment, window: FaultWindow): Promise<Record<string, unknown>>;
  /** Heal it; must be safe after a start that failed half-way. */
  stop(env: FaultEnvironment, window: FaultWindow): Promise<void>;
}
