/**
 * `npm run chaos [command] [options]`: the command line's entry point. Parses
 * the arguments (cli/options.ts), loads the config, hands over to the
 * command's module in cli/, and turns errors into exit codes (see README.md).
 */

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printable } from '../../reports/printable.ts';
import { builtins } from '../../targets/index.ts';
import { loadConfig } from '../config/config.ts';
import { buildRegistry, type Registry } from '../config/registry.ts';
import { EnvironmentError, ExitCode, exitCodeOf, UsageError } from '../core/errors.ts';
import { redact } from '../core/redact.ts';
import { checkCommand } from './check-command.ts';
import { initCommand } from './init-command.ts';
import { isolationCommand } from './isolation-command.ts';
import { k6ExportCommand } from './k6-export-command.ts';
import { mutateCommand } from './mutate-command.ts';
import { parseCli, USAGE } from './options.ts';
import { propertyCommand } from './property-command.ts';
import { gateCommand, reportCommand } from './report-commands.ts';
import { runCommand } from './run-command.ts';
import { sweepCommand } from './sweep-command.ts';

/** Every scenario, target and variant; names and descriptions come from configs, so they are shown escaped. */
function formatList(registry: Registry): string {
  const lines = ['scenarios:'];
  for (const s of registry.scenarios.values())
    lines.push(
      `  ${printable(s.name).padEnd(24)} target ${printable(s.target)}: ${printable(s.description)}`,
    );
  lines.push('', 'targets and variants:');
  for (const t of registry.targets.values()) {
    const kind = t.service ? 'service' : t.database;
    lines.push(`  ${printable(t.name).padEnd(24)} ${kind}: ${printable(t.description)}`);
    for (const [name, v] of Object.entries(t.variants))
      lines.push(
        `    ${v.broken ? '[broken] ' : '[correct] '}${printable(name)}: ${printable(v.description)}`,
      );
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  try {
    const options = parseCli(argv);
    if (options.command === 'help') {
      console.log(USAGE);
      return ExitCode.ok;
    }
    // Report and gate read a finished run's files: a broken config must not stop them.
    if (options.command === 'report') return await reportCommand(options);
    if (options.command === 'gate') return gateCommand(options);
    if (options.command === 'init') return initCommand(options);
    if (options.command === 'check') return await checkCommand(options);
    const { config } = await loadConfig(options.config);
    const registry = buildRegistry(builtins, config);
    if (options.command === 'list') {
      console.log(formatList(registry));
      return ExitCode.ok;
    }
    if (options.command === 'sweep') return await sweepCommand(options, config, registry);
    if (options.command === 'k6-export') return k6ExportCommand(options, config, registry);
    if (options.command === 'property') return await propertyCommand(options, config, registry);
    if (options.command === 'mutate') return await mutateCommand(options, config, registry);
    if (options.command === 'isolation') return await isolationCommand(options, config);
    return await runCommand(options, config, registry);
  } catch (error) {
    const code = exitCodeOf(error);
    if (error instanceof UsageError)
      console.error(`error: ${redact(error.message)}\n\n${USAGE.split('\n')[0]} (see --help)`);
    else if (error instanceof EnvironmentError) console.error(`error: ${redact(error.message)}`);
    else console.error(redact(error instanceof Error ? (error.stack ?? error.message) : String(error)));
    return code;
  }
}

/**
 * How long the process may take to end by itself after the command's work (its
 * output flushing) before it is ended: a user's operation may leave a socket or
 * a timer open that would keep it alive for ever.
 */
const EXIT_GRACE_MS = 1000;

/** The command line as a process runs it (`npm run chaos`, the `chaos` bin): main, then exit with its code. */
export async function runCli(argv: string[]): Promise<void> {
  const code = await main(argv);
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

// Run when executed directly (npm run chaos), not when imported by tests.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await runCli(process.argv.slice(2));
