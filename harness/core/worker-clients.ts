/**
 * Each worker's client for a run: connected before the workload starts,
 * replaced after an operation whose outcome is unknown (its connection may be
 * dead or mid-transaction), and every call bounded by a deadline, so a paused
 * server or a black-holed network turns operations into `info` instead of
 * hanging the run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyError, errorMessage } from './outcomes.ts';
import { redact } from './redact.ts';
import type { OperationReturn, RunContext, TargetDefinition } from './target.ts';
import type { OperationResult, PlannedOperation } from './workload.ts';

const TIMED_OUT = Symbol('timed out');

/**
 * Settle as the promise does, or with TIMED_OUT after `ms` (then `onTimeout`
 * runs, e.g. to abort the call); the loser is left to settle on its own. One
 * promise and one timer per call: this runs for every operation, so it is
 * kept to the least work.
 */
function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout?: () => void,
): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      resolve(TIMED_OUT);
      onTimeout?.();
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Pause after a refused reconnect so a worker does not spin while the server is down. */
const RECONNECT_BACKOFF_MS = 50;
const DISCONNECT_GRACE_MS = 1000;

/** Whether a target's operation returned what `ok()` or `fail()` make. */
export function isOperationReturn(value: unknown): value is OperationReturn {
  if (typeof value !== 'object' || value === null) return false;
  const { outcome, error } = value as { outcome?: unknown; error?: unknown };
  return outcome === 'ok' || (outcome === 'fail' && typeof error === 'string');
}

/** A value as a message shows it: short, and whatever it is (undefined, a cycle, a huge object). */
function describe(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

export class WorkerClients {
  private readonly clients: unknown[] = [];
  private readonly stale = new Set<number>();
  /** The first malformed return of an operation, if any: the run is then unknown. */
  targetError: string | undefined;
  /** Called on a malformed return, so the run can stop. */
  onTargetError: ((problem: string) => void) | undefined;

  constructor(
    private readonly target: TargetDefinition,
    private readonly ctx: RunContext,
    private readonly workers: number,
    private readonly timeoutMs: number,
  ) {}

  /** One client per worker; when one cannot connect, those that did are closed again and the error thrown. */
  async connectAll(): Promise<void> {
    const opened = await Promise.allSettled(
      Array.from({ length: this.workers }, (_, w) => this.target.connect(this.ctx, w)),
    );
    const clients = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = opened.find((o) => o.status === 'rejected');
    if (refused) {
      await this.close(clients);
      throw refused.reason;
    }
    this.clients.splice(0, this.clients.length, ...clients);
  }

  /** The connected clients, worker by worker. */
  get connections(): readonly unknown[] {
    return this.clients;
  }

  /** Run one planned operation on the worker's client and classify what happened. Never throws. */
  async execute(worker: number, planned: PlannedOperation): Promise<OperationResult> {
    const operation = this.target.operations[planned.op];
    if (!operation)
      return { outcome: 'fail', error: `target ${this.target.name} has no operation "${planned.op}"` };
    if (this.stale.has(worker)) {
      const reconnected = await this.reconnect(worker);
      // Never sent, so it surely did not happen.
      if (reconnected !== true) return { outcome: 'fail', error: redact(`reconnect failed: ${reconnected}`) };
    }
    const deadline = new AbortController();
    try {
      const result = await withDeadline(
        operation(this.clients[worker], planned.args, { ...this.ctx, signal: deadline.signal }),
        this.timeoutMs,
        () => deadline.abort(new Error(`client timeout after ${this.timeoutMs} ms`)),
      );
      if (result === TIMED_OUT) {
        this.stale.add(worker);
        return { outcome: 'info', error: `client timeout after ${this.timeoutMs} ms` };
      }
      if (isOperationReturn(result)) return result;
      // A target bug, not an outcome: stop the run rather than record it again and again.
      const problem = `target error: operation "${planned.op}" returned ${describe(result)}; expected ok(value) or fail(reason)`;
      this.targetError ??= redact(problem);
      this.onTargetError?.(this.targetError);
      return { outcome: 'info', error: this.targetError };
    } catch (error) {
      const outcome = classifyError(error);
      if (outcome === 'info') this.stale.add(worker);
      return { outcome, error: redact(errorMessage(error)) };
    }
  }

  private async reconnect(worker: number): Promise<true | string> {
    withDeadline(this.target.disconnect(this.clients[worker]), DISCONNECT_GRACE_MS).catch(() => {});
    try {
      const client = await withDeadline(this.target.connect(this.ctx, worker), this.timeoutMs);
      if (client === TIMED_OUT) throw new Error(`connect timeout after ${this.timeoutMs} ms`);
      this.clients[worker] = client;
      this.stale.delete(worker);
      return true;
    } catch (error) {
      await sleep(RECONNECT_BACKOFF_MS);
      return errorMessage(error);
    }
  }

  async closeAll(): Promise<void> {
    await this.close(this.clients);
  }

  /** Disconnect each client, none waited for longer than the grace period. */
  private async close(clients: unknown[]): Promise<void> {
    await Promise.allSettled(
      clients.map((client) => withDeadline(this.target.disconnect(client), DISCONNECT_GRACE_MS)),
    );
  }
}
