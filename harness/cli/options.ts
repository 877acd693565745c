/**
 * The command line's words: the parser and the usage text, both generated
 * from the command table (commands.ts) and the flag table (flags.ts). Pure:
 * a bad argument is a UsageError (exit 2) before anything starts.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { shown, UsageError } from '../core/errors.ts';
import { type CliOptions, COMMANDS, type CommandName } from './commands.ts';
import { FLAGS, type FlagName, type FlagSpec } from './flags.ts';
import { chaosCommand } from './invocation.ts';

/** The flags a command takes, at the type level (from the flag table's `commands`). */
type FlagsOf<C extends CommandName> = {
  [F in FlagName]: C extends (typeof FLAGS)[F]['commands'][number] ? F : never;
}[FlagName];

/** A command's own options: those its flags and its positional arguments set (both tables say which), nothing else. */
export type OptionsOf<C extends CommandName> = Pick<
  CliOptions,
  'command' | (typeof FLAGS)[FlagsOf<C>]['sets'][number] | (typeof COMMANDS)[C]['sets'][number]
>;
/** `run` also runs `k6 run` (on the k6 engine). */
export type RunOptions = OptionsOf<'run' | 'k6 run'>;
export type SweepOptions = OptionsOf<'sweep'>;
export type InitOptions = OptionsOf<'init'>;
export type K6ExportOptions = OptionsOf<'k6 export'>;
export type PropertyOptions = OptionsOf<'property'>;
export type MutateOptions = OptionsOf<'mutate'>;
export type IsolationOptions = OptionsOf<'isolation'>;
export type ReportOptions = OptionsOf<'report'>;
export type GateOptions = OptionsOf<'gate'>;
export type CheckOptions = OptionsOf<'check'>;

const COLUMN = 21;

/** A usage entry: its label padded to the help column, or on a line of its own when too long. */
function entry(label: string, help: readonly string[]): string[] {
  const indent = ' '.repeat(COLUMN + 2);
  const [first = '', ...rest] = help;
  const head =
    label.length <= COLUMN - 2 ? [`  ${label.padEnd(COLUMN)}${first}`] : [`  ${label}`, indent + first];
  return [...head, ...rest.map((line) => indent + line)];
}

function flagLabel(name: string, flag: FlagSpec): string {
  const long = `--${name}${flag.value ? ` ${flag.value}` : ''}`;
  return flag.short ? `-${flag.short}, ${long}` : long;
}

const FIRST_WORDS = [...new Set(Object.keys(COMMANDS).map((name) => name.split(' ')[0]!))];

export const USAGE = [
  `usage: ${chaosCommand()} [${FIRST_WORDS.join('|')}] [options]`,
  '',
  'commands:',
  ...Object.values(COMMANDS).flatMap((c) => entry(c.synopsis, c.help)),
  '',
  'options:',
  ...Object.entries(FLAGS as Record<string, FlagSpec>).flatMap(([name, flag]) =>
    flag.help ? entry(flagLabel(name, flag), flag.help) : [],
  ),
].join('\n');

const PARSE_OPTIONS: ParseArgsConfig['options'] = Object.fromEntries(
  Object.entries(FLAGS as Record<string, FlagSpec>).map(([name, flag]) => [
    name,
    {
      type: flag.value ? 'string' : 'boolean',
      ...(flag.multiple ? { multiple: true } : {}),
      ...(flag.short ? { short: flag.short } : {}),
    },
  ]),
);

/** The command table's name for the words the user typed, and the positional arguments after them. */
function commandOf(positionals: readonly string[]): { name: CommandName; args: readonly string[] } {
  const [first = 'run', second] = positionals;
  if (first === 'k6') {
    if (second !== 'export' && second !== 'run')
      throw new UsageError(`k6: expected "export" or "run", got ${second ? shown(second) : 'nothing'}`);
    return { name: `k6 ${second}`, args: positionals.slice(2) };
  }
  if (!(first in COMMANDS))
    throw new UsageError(`unknown command ${shown(first)} (commands: ${FIRST_WORDS.join(', ')})`);
  return { name: first as CommandName, args: positionals.slice(1) };
}

/** Flags that take a value, as typed: `--duration`, `-d`. */
const VALUED = new Set(
  Object.entries(FLAGS as Record<string, FlagSpec>)
    .filter(([, flag]) => flag.value !== undefined)
    .flatMap(([name, flag]) => [`--${name}`, ...(flag.short ? [`-${flag.short}`] : [])]),
);

/**
 * `--duration -1s` as `--duration=-1s`: parseArgs would call a negative value
 * ambiguous; joined, the flag's own check says what is wrong with it.
 */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (VALUED.has(argv[i]!) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${argv[i]}=${next}`);
      i++;
    } else joined.push(argv[i]!);
  }
  return joined;
}

export function parseCli(argv: string[]): CliOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: PARSE_OPTIONS,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || (positionals[0] === 'help' && positionals.length === 1)) return { command: 'help' };
  const { name, args } = commandOf(positionals);
  const options: CliOptions = { command: COMMANDS[name].runsAs };
  COMMANDS[name].positionals(options, args);

  const given = Object.keys(values).filter((flag) => values[flag] !== undefined) as FlagName[];
  const allowed = Object.entries(FLAGS as Record<string, FlagSpec>)
    .filter(([, flag]) => flag.commands.includes(name))
    .map(([flag]) => flag);
  for (const flag of given)
    if (!allowed.includes(flag))
      throw new UsageError(
        `--${flag} does not apply to ${name}${allowed.length > 0 ? ` (its options: ${allowed.map((f) => `--${f}`).join(' ')})` : ''}`,
      );
  for (const flag of given)
    (FLAGS[flag] as FlagSpec).apply(options, values[flag] as string | string[] | true);
  if (options.command === 'gate' && !options.baseline)
    throw new UsageError('gate needs --baseline FILE (a results.json to compare with)');
  return options;
}
