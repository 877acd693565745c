/**
 * Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi and
 * Nagarakatte, ASPLOS 2010) as a schedule strategy. Every client gets a
 * priority, and at each step the highest-priority client with a statement
 * waiting sends it. At each of d-1 change points (steps), the client that
 * just sent a statement drops below every initial priority. A bug that needs
 * d ordering constraints is found with probability at least 1/(n k^(d-1)),
 * for n clients and k steps; uniform random schedules give no such bound.
 *
 * Here the random choices are fast-check's, so a failing PCT schedule shrinks
 * like any other case: toward equal priorities (client order) and fewer,
 * earlier change points.
 */
import type { ChooseNext } from './interleaving-scheduler.ts';

export interface PctSchedule {
  /** One number per client: higher sends first (ties: the lower client). */
  priorities: number[];
  /** Steps after which the client that sent that step's statement is lowered; d-1 of them for depth d. */
  changePoints: number[];
}

export function pctChooser(pct: PctSchedule): ChooseNext {
  // Lowered priorities sit below every initial one (which are >= 0), the later change point the lower.
  const priority = new Map<number, number>();
  const priorityOf = (client: number) => priority.get(client) ?? pct.priorities[client] ?? 0;
  const changeAt = [...new Set(pct.changePoints)].sort((a, b) => a - b);
  return ({ step, parked }) => {
    let best = parked[0]!.client;
    for (const { client } of parked) if (priorityOf(client) > priorityOf(best)) best = client;
    const change = changeAt.indexOf(step);
    if (change !== -1) priority.set(best, -1 - change);
    return best;
  };
}
