/**
 * CPU time the hypervisor gave to other guests while a bench run went on: the
 * `steal` column of /proc/stat. On a shared virtual machine a neighbour's
 * burst can take a quarter of the CPU for seconds, and it hurts the tool that
 * spends more CPU per transaction more (measured: harness/pgbench about 0.9
 * with no steal, 0.6-0.75 with 15-25% stolen). A round measured then says more
 * about the neighbour than about the tools, so the bench does not count it.
 */
import { readFileSync } from 'node:fs';

/** The machine's CPU time counters (all CPUs together, in clock ticks). */
export interface CpuTimes {
  steal: number;
  total: number;
}

/** The counters of /proc/stat's first line; undefined where there is no such file (not Linux). */
export function readCpuTimes(stat?: string): CpuTimes | undefined {
  let text = stat;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/stat', 'utf8');
    } catch {
      return undefined;
    }
  }
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const fields = /^cpu\s+(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  if (!fields || fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
  // guest and guest_nice are already counted in user and nice.
  const total = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  return { steal: fields[7]!, total };
}

/** The share of the machine's CPU time stolen between two readings (0 when no time passed). */
export function stealBetween(before: CpuTimes, after: CpuTimes): number {
  const elapsed = after.total - before.total;
  return elapsed > 0 ? (after.steal - before.steal) / elapsed : 0;
}

/** Run `run` and say how much CPU time was stolen meanwhile (undefined where it cannot be read). */
export async function withSteal<T>(run: () => Promise<T>): Promise<{ value: T; steal: number | undefined }> {
  const before = readCpuTimes();
  const value = await run();
  const after = readCpuTimes();
  return { value, steal: before && after ? stealBetween(before, after) : undefined };
}

/** A measured round: how much was stolen during each tool's run, by tool. */
export interface StealOfRound {
  steal?: Record<string, number | undefined>;
}

/** Whether no tool's run of the round lost more than `limit` of the CPU to the host. */
export function isQuiet(round: StealOfRound, limit: number): boolean {
  return Object.values(round.steal ?? {}).every((stolen) => (stolen ?? 0) <= limit);
}

/** A bench's rounds, split by whether the host let them count. */
export interface CountedRounds<R> {
  /** Rounds counted: the host left every tool its CPU. */
  rounds: R[];
  /** Rounds left out (and run again) because the host stole too much CPU during them. */
  disturbedRounds: R[];
}

/**
 * The rounds to count and those to leave out: the quiet ones count; when no
 * round was quiet, all of them count (a figure from a busy host beats none).
 */
export function splitByQuiet<R extends StealOfRound>(
  measured: readonly R[],
  limit: number,
): CountedRounds<R> {
  const rounds = measured.filter((r) => isQuiet(r, limit));
  if (rounds.length === 0) return { rounds: [...measured], disturbedRounds: [] };
  return { rounds, disturbedRounds: measured.filter((r) => !isQuiet(r, limit)) };
}
