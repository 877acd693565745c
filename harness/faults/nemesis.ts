/**
 * The nemesis runs a fault schedule beside the workload: at each window's
 * start it breaks something, at its end it heals it, and it records both as
 * history events. Whatever is still broken when the workload stops (or the
 * run is interrupted) is healed by `healAll`, so no toxic, paused process or
 * dead server outlives the run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultKind, FaultWindow } from '../core/fault-plan.ts';
import type { HistoryWriter } from '../core/history.ts';
import { errorMessage } from '../core/outcomes.ts';
import { redact } from '../core/redact.ts';
import { clockSkew } from './clock-skew.ts';
import { killConnection, killQuery } from './kill-sessions.ts';
import { network } from './network.ts';
import { crash, pause } from './process-faults.ts';
import type { FaultAction, FaultEnvironment } from './types.ts';

export const faultActions: Record<FaultKind, FaultAction> = {
  'kill-connection': killConnection,
  'kill-query': killQuery,
  crash,
  pause,
  network,
  'clock-skew': clockSkew,
};

export class Nemesis {
  private readonly active = new Set<FaultWindow>();
  private readonly details = new Map<FaultWindow, Record<string, unknown>>();
  private readonly stopping = new AbortController();

  /** `origin`: the history time at which the workload (and so the schedule) starts. */
  constructor(
    private readonly windows: FaultWindow[],
    private readonly env: FaultEnvironment,
    private readonly history: HistoryWriter,
    private readonly origin: number,
  ) {}

  /** Labels of the windows open now (for the progress line). */
  get activeLabels(): string[] {
    return [...this.active].map((window) => window.label);
  }

  /** Run every window; resolves when all are done or `stop()` was called. */
  run(): Promise<void> {
    return Promise.all(this.windows.map((window, index) => this.runWindow(window, index))).then(() => {});
  }

  /** End the schedule early: no new window starts, running ones are healed. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.healAll();
  }

  private async waitUntil(at: number): Promise<boolean> {
    const wait = this.origin + at - this.history.now();
    if (wait <= 0) return !this.stopping.signal.aborted;
    try {
      await sleep(wait, undefined, { signal: this.stopping.signal });
      return true;
    } catch {
      return false;
    }
  }

  private async runWindow(window: FaultWindow, index: number): Promise<void> {
    if (!(await this.waitUntil(window.startMs))) return;
    // The window opens when the action begins: operations cut off by it belong inside.
    this.history.fault('fault-start', window.label, { window: index });
    this.active.add(window);
    try {
      this.details.set(window, await faultActions[window.kind].start(this.env, window));
    } catch (error) {
      this.details.set(window, { error: redact(errorMessage(error)) });
    }
    await this.waitUntil(window.endMs);
    await this.heal(window, index);
  }

  /** Heal one window; the stop event carries what the action reported (e.g. sessions killed). */
  private async heal(window: FaultWindow, index = this.windows.indexOf(window)): Promise<void> {
    if (!this.active.delete(window)) return;
    const detail = this.details.get(window) ?? {};
    try {
      await faultActions[window.kind].stop(this.env, window);
      this.history.fault('fault-stop', window.label, { window: index, ...detail });
    } catch (error) {
      this.history.fault('fault-stop', window.label, {
        window: index,
        ...detail,
        healError: redact(errorMessage(error)),
      });
      throw error;
    }
  }

  async healAll(): Promise<void> {
    const results = await Promise.allSettled([...this.active].map((window) => this.heal(window)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed)
      throw new Error(`could not heal a fault: ${errorMessage((failed as PromiseRejectedResult).reason)}`);
  }
}
