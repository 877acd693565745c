import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.ts';
import { FLAGS } from './flags.ts';
import { parseCli, USAGE } from './options.ts';

describe('the flag table', () => {
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
