import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandName } from './commands.ts';
import { FLAGS, type FlagSpec } from './flags.ts';
import { type OptionsOf, parseCli, USAGE } from './options.ts';

/** Words that call each command, positional arguments included. */
const CALLS: Record<CommandName, string[]> = {
  run: [],
  list: ['list'],
  init: ['init'],
  sweep: ['sweep'],
  'k6 export': ['k6', 'export', 's'],
  'k6 run': ['k6', 'run', 's'],
  property: ['property', 't'],
  mutate: ['mutate', 't'],
  isolation: ['isolation'],
  report: ['report'],
  gate: ['gate', '--baseline', 'b.json'],
  check: ['check', 'h.edn'],
};
const SAMPLE: Record<string, string> = {
  NAME: 'x',
  N: '2',
  R: '1',
  D: '1s',
  X: '0.5',
  P: 'process',
  DIR: 'dir',
  FILE: 'b.json',
  F: '0.2',
  'M=EXPR': 'latency=p(99)<5',
  'SEED:PATH': '1:0',
  M: 'cas-register',
  W: 'list-append',
  C: 'serializable',
  S: 'pct',
  'N|A-B': '3',
};

describe('the flag table', () => {
  it("says truly which options each flag and each command's words set (the options types are made of it)", () => {
    for (const [name, flag] of Object.entries(FLAGS) as [string, FlagSpec][]) {
      for (const command of flag.commands) {
        const parsed = parseCli([
          ...CALLS[command],
          `--${name}`,
          ...(flag.value ? [SAMPLE[flag.value]!] : []),
        ]);
        const gateBaseline = command === 'gate' ? ['baseline'] : []; // in CALLS.gate
        const allowed = new Set(['command', ...flag.sets, ...COMMANDS[command].sets, ...gateBaseline]);
        expect(
          Object.keys(parsed).filter((key) => !allowed.has(key)),
          `--${name} on ${command}`,
        ).toEqual([]);
        expect(
          flag.sets.some((key) => key in parsed),
          `--${name} on ${command}`,
        ).toBe(true);
      }
    }
  });

  // Checked by tsc (npm test runs it): each @ts-expect-error fails the type check if its mistake compiles.
  it("types each command's options from the table: a command cannot read a flag it does not take", () => {
    const list: OptionsOf<'list'> = { command: 'list', config: 'c.ts' };
    // @ts-expect-error: list takes no --seed
    const seeded: OptionsOf<'list'> = { command: 'list', seed: 1 };
    const run: OptionsOf<'run' | 'k6 run'> = { command: 'run', segments: 2, engine: 'k6', scenarios: ['s'] };
    // @ts-expect-error: run takes no --runs (property's)
    const withRuns: OptionsOf<'run'> = { command: 'run', propertyRuns: 3 };
    expect([list, seeded, run, withRuns].map((o) => o.command)).toEqual(['list', 'list', 'run', 'run']);
  });

  it('documents every flag: in the options section, or in the help of a command that takes it', () => {
    for (const [name, flag] of Object.entries(FLAGS)) {
      const documentedBy = (flag.commands as readonly string[]).some((command) =>
        COMMANDS[command as keyof typeof COMMANDS].help.join(' ').includes(`--${name}`),
      );
      expect('help' in flag || documentedBy, `--${name}`).toBe(true);
      if ('help' in flag) expect(USAGE).toContain(`--${name}`);
    }
  });

  it('lets each command take exactly the flags the table gives it', () => {
    expect(parseCli(['sweep', '--scenario', 's', '--workers', '1,2', '--rates', '0,10'])).toMatchObject({
      command: 'sweep',
      sweepWorkers: [1, 2],
      sweepRates: [0, 10],
    });
    expect(parseCli(['k6', 'run', 'saga-orders-load', '--segments', '2'])).toMatchObject({
      command: 'run',
      engine: 'k6',
      scenarios: ['saga-orders-load'],
      segments: 2,
    });
    expect(() => parseCli(['list', '--seed', '1'])).toThrow(
      /--seed does not apply to list \(its options: --config\)/,
    );
    expect(() => parseCli(['k6', 'export', 's', '--segments', '2'])).toThrow(
      /--segments does not apply to k6 export/,
    );
  });

  it('refuses a run that could test nothing or that no server could serve, before anything starts', () => {
    expect(() => parseCli(['--duration', '0'])).toThrow(/--duration: expected a positive duration, got "0"/);
    expect(() => parseCli(['--timeout', '0s'])).toThrow(/--timeout: expected a positive duration/);
    expect(() => parseCli(['--workers', '5000'])).toThrow(/--workers: at most 1000, got "5000"/);
    expect(() => parseCli(['sweep', '--scenario', 's', '--workers', '1,5000'])).toThrow(/at most 1000/);
    expect(parseCli(['--workers', '1000']).workers).toBe(1000);
    // A negative value gets the flag's own message, not the parser's "ambiguous".
    expect(() => parseCli(['--duration', '-1s'])).toThrow(/--duration: "-1s" is not a duration/);
    expect(() => parseCli(['--keep', '-1'])).toThrow(/--keep: expected a whole number >= 0, got "-1"/);
    expect(() => parseCli(['--workers', '-5'])).toThrow(/--workers: expected a whole number >= 1, got "-5"/);
  });

  it('reads the positional arguments each command has', () => {
    expect(parseCli(['property', 'postgres-versioning', '--replay', '42:3:0'])).toMatchObject({
      propertyTarget: 'postgres-versioning',
      replay: { seed: 42, path: '3:0' },
    });
    expect(parseCli(['gate', 'run-dir', '--baseline', 'b.json'])).toMatchObject({ reportDir: 'run-dir' });
    expect(() => parseCli(['list', 'extra'])).toThrow(/unexpected argument "extra"/);
    expect(parseCli(['help'])).toEqual({ command: 'help' });
  });
});
