/**
 * What the runner needs from the world around it, handed in by the CLI (the
 * composition root) or by a test: fresh databases (and the target's service) for each pass, a fault
 * schedule that runs beside the workload, and a load engine for HTTP load
 * scenarios. The runner itself only orchestrates; it starts nothing.
 */
import type { ConnectionInfo, DatabaseKind, ServerSettings } from './database.ts';
import type { FaultWindow } from './fault-plan.ts';
import type { HistoryWriter } from './history.ts';
import type { LoadResult, LoadRun } from './load.ts';
import type { ServiceEndpoint, ServiceSpec } from './service.ts';

export interface PassRequest {
  /** For names and messages. */
  target: string;
  variant: string;
  database?: DatabaseKind;
  serverSettings?: ServerSettings;
  extraDatabases: DatabaseKind[];
  /** The target's service, to start (or find) for this pass. */
  service?: ServiceSpec;
  /** The fault plan has network faults: the workers must connect through a proxy. */
  networkFaults: boolean;
  /** The fault plan has clock-skew faults: the service must start on a skewable clock. */
  clockFaults?: boolean;
  /** Database connections the workers will open (one each), checked against the server's limit first. */
  clientConnections?: number;
}

/** What one pass runs on (scratch databases, the target's service); `dispose` drops or stops them. */
export interface PassResources {
  database?: ConnectionInfo;
  extraDatabases?: Partial<Record<DatabaseKind, ConnectionInfo>>;
  service?: ServiceEndpoint;
  /** With clock-skew faults: the environment a process needs to read the skewable clock. */
  clockEnv?: Record<string, string>;
  dispose(): Promise<void>;
}

/** A fault schedule running beside the workload (the nemesis). */
export interface FaultSchedule {
  /** Resolves when every window is done or `stop` was called. */
  run(): Promise<void>;
  /** End early: no new window starts, open ones are healed. */
  stop(): Promise<void>;
  /** Labels of the windows open now, for the progress line. */
  readonly activeLabels: string[];
}

export interface RunEnvironment<Pass extends PassResources = PassResources> {
  providePass(request: PassRequest): Promise<Pass>;
  /** `origin`: the history time the schedule's offsets count from. */
  startFaults(windows: FaultWindow[], pass: Pass, history: HistoryWriter, origin: number): FaultSchedule;
  /**
   * Drives an HTTP target with a load engine; undefined when interrupted before
   * the load began. Absent: load scenarios cannot run.
   */
  driveLoad?(run: LoadRun): Promise<LoadResult | undefined>;
}
