/**
 * What faults act on in one pass: the processes crash and pause reach, the
 * database sessions kill-connection and kill-query end, and the Toxiproxy
 * proxy network faults go through. Each is absent when nothing of the kind
 * can be reached (a fault on it is then refused or reported as reaching nothing).
 */
import type { Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import type { ConnectionInfo, ServerControl } from '../core/database.ts';
import type { SkewableClock } from './skewable-clock.ts';

/** The sessions `kill-connection` and `kill-query` end: one database, and a login allowed to end them. */
export interface SessionTarget {
  login: ConnectionInfo;
  database: string;
}

/** The processes `crash` and `pause` act on. */
export interface ProcessTarget {
  description: string;
  /** Absent when the harness did not start them (a server or service found at a URL). */
  control?: ServerControl;
}

/** What faults act on in one pass. */
export interface FaultEnvironment {
  /** The target's service when it has one the harness started, else its database server. */
  process?: ProcessTarget;
  /** The service's own database when the user named it, else the run's scratch database. */
  sessions?: SessionTarget;
  /** Present when the run has network faults: the workers' traffic goes through it. */
  proxy?: ToxiproxyProxy;
  /** Present when the run has clock-skew faults: the clock the service (or the target's processes) read. */
  clock?: SkewableClock;
}
