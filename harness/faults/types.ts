/**
 * A fault action breaks one thing at the start of a window and heals it at
 * the end. What it acts on is the fault environment: the processes of the
 * target's service or database server, the sessions of a database, and the
 * Toxiproxy proxy the workers connect through.
 */
import type { FaultWindow } from '../core/fault-plan.ts';
import type { FaultEnvironment, SessionTarget } from '../providers/fault-environment.ts';

export type { FaultEnvironment, SessionTarget };

export interface FaultAction {
  /** Break something; the returned detail goes into the history's fault-start event. */
  start(env: FaultEnvironment, window: FaultWindow): Promise<Record<string, unknown>>;
  /** Heal it; must be safe after a start that failed half-way. */
  stop(env: FaultEnvironment, window: FaultWindow): Promise<void>;
}
