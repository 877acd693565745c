/**
 * Paired, alternating rounds: each round runs every tool of a measurement
 * once, back to back, so a slow or fast moment of the machine touches all of
 * them; even rounds run them in the order given, odd rounds in reverse, so
 * each pair of tools meets the system first equally often. A round during
 * which the host stole more than `maxSteal` of the CPU from any tool is run
 * again (host-steal.ts), up to ATTEMPTS_PER_ROUND times per round wanted.
 *
 * A context tool (pgbench, mariadb-slap, k6: shown beside, never judged) may
 * miss a round, or fail outright, without costing the others theirs.
 */

import { type CountedRounds, isQuiet, type StealOfRound, splitByQuiet, withSteal } from './host-steal.ts';

/** Rounds tried at most per round wanted, before giving up on a quiet host. */
export const ATTEMPTS_PER_ROUND = 3;

export interface Tool {
  name: string;
  /** One run's figure (per second); undefined when the run was stopped and its round should not count. */
  run: (round: number) => Promise<number | undefined>;
  /** Shown beside the goal, never judged: its missing or failed runs do not drop a round. */
  context?: boolean;
}

/** One round's figures by tool name (a context tool's may be missing), and the CPU stolen from each. */
export interface Round extends StealOfRound {
  figures: Record<string, number | undefined>;
}

export interface RoundOptions {
  rounds: number;
  maxSteal: number;
  unit: string;
  /** How each run's stolen CPU is measured (tests give their own). */
  measure?: typeof withSteal;
  log?: (line: string) => void;
}

const percent = (share: number | undefined) => (share === undefined ? '?' : `${(share * 100).toFixed(0)}%`);

/** The order of the tools in round `round`: as given, or reversed. */
export function orderOf<T>(tools: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...tools] : [...tools].reverse();
}

export async function pairedRounds(tools: Tool[], options: RoundOptions): Promise<CountedRounds<Round>> {
  const { rounds: wanted, maxSteal, unit, measure = withSteal, log = console.log } = options;
  const failed = new Set<string>();
  const measured: Round[] = [];
  const quietCount = () => measured.filter((r) => isQuiet(r, maxSteal)).length;
  for (let round = 0; quietCount() < wanted && round < wanted * ATTEMPTS_PER_ROUND; round++) {
    const figures: Record<string, number | undefined> = {};
    const steal: Record<string, number | undefined> = {};
    let dropped: string | undefined;
    for (const tool of orderOf(tools, round)) {
      if (failed.has(tool.name)) continue;
      const { value, steal: stolen } = await measure(() => runOne(tool, round, failed, log));
      figures[tool.name] = value;
      steal[tool.name] = stolen;
      if (value === undefined && !tool.context) {
        dropped = tool.name;
        break;
      }
    }
    if (dropped) {
      log(`  round ${round + 1}: ${dropped} was stopped; round not counted`);
      continue;
    }
    const measuredRound: Round = { figures, steal };
    measured.push(measuredRound);
    const quiet = isQuiet(measuredRound, maxSteal);
    const shown = tools.filter((t) => t.name in figures);
    log(
      `  round ${round + 1}: ${shown.map((t) => `${t.name} ${figures[t.name]?.toFixed(0) ?? '-'}`).join(', ')} ${unit}` +
        ` (host stole ${shown.map((t) => percent(steal[t.name])).join(' / ')} of the CPU` +
        `${quiet ? ')' : `; over ${percent(maxSteal)}, not counted)`}`,
    );
  }
  if (measured.length > 0 && quietCount() === 0)
    log(`  warning: the host stole over ${percent(maxSteal)} of the CPU in every round; all counted`);
  return splitByQuiet(measured, maxSteal);
}

/** One run of `tool`; a context tool that throws is reported once and left out of the rounds after. */
async function runOne(
  tool: Tool,
  round: number,
  failed: Set<string>,
  log: (line: string) => void,
): Promise<number | undefined> {
  if (!tool.context) return tool.run(round);
  try {
    return await tool.run(round);
  } catch (error) {
    failed.add(tool.name);
    log(`  ${tool.name} failed (${(error as Error).message.split('\n')[0]}); context only, left out`);
    return undefined;
  }
}

/** One uncounted run of each tool, first: the JIT compiles the client's code, the servers' caches fill. */
export async function warmUp(tools: Tool[], unit: string, log: (line: string) => void = console.log) {
  const shown: string[] = [];
  for (const tool of tools) {
    const figure = await (tool.context ? tool.run(-1).catch(() => undefined) : tool.run(-1));
    shown.push(`${tool.name} ${figure?.toFixed(0) ?? '-'}`);
  }
  log(`  warm-up: ${shown.join(', ')} ${unit} (not counted)`);
}
