/**
 * A fault action breaks one thing at the start of a window and heals it at
 * the end. What it acts on is the fault environment: the database server
 * (its processes, for the process provider), the run's scratch database, and
 * the Toxiproxy proxy the workers connect through.
 */
import type { FaultWindow } from '../core/fault-plan.ts';
import type { FaultEnvironment } from '../providers/run-databases.ts';

export type { FaultEnvironment };

export interface FaultAction {
  /** Break something; the returned detail goes into the history's fault-start event. */
  start(env: FaultEnvironment, window: FaultWindow): Promise<Record<string, unknown>>;
  /** Heal it; must be safe after a start that failed half-way. */
  stop(env: FaultEnvironment, window: FaultWindow): Promise<void>;
}
