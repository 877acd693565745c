import { describe, expect, it } from 'vitest';
import type { DatabaseServer } from '../core/database.ts';
import type { TargetDefinition } from '../core/target.ts';
import { containerControl } from '../providers/container.ts';
import { controlProblem, serviceProblem } from './preflight.ts';

const server = (over: Partial<DatabaseServer>): DatabaseServer => ({
  kind: 'postgres',
  provider: 'url',
  admin: { kind: 'postgres', host: '127.0.0.1', port: 5432, user: 'u', password: 'p', database: 'd' },
  description: 'Postgres at postgres://u:****@127.0.0.1:5432/d',
  stop: async () => {},
  ...over,
});

describe('which servers crash and pause faults can act on', () => {
  it('refuses both on a server given by URL', () => {
    expect(controlProblem('crash', server({}))).toMatch(
      /needs a database the harness starts itself.*cannot be crashed/,
    );
    expect(controlProblem('pause', server({}))).toMatch(/cannot be paused/);
  });

  it('lets a container crash (killed and restarted at once) but not pause', async () => {
    const restarts: unknown[] = [];
    const control = containerControl({ restart: async (options) => void restarts.push(options) });
    const container = server({
      provider: 'container',
      description: 'Postgres container postgres:18',
      control,
    });
    expect(controlProblem('crash', container)).toBeUndefined();
    expect(controlProblem('pause', container)).toMatch(/the pause fault needs the process provider/);
    await control.crash();
    expect(restarts).toEqual([{ timeout: 0 }]);
    expect(control.restartsImmediately).toBe(true);
  });

  it('accepts both on a process the harness started', () => {
    const control = {
      crash: async () => {},
      restart: async () => {},
      restartsImmediately: false,
      isPaused: false,
      pause() {},
      resume() {},
    };
    expect(controlProblem('crash', server({ provider: 'process', control }))).toBeUndefined();
    expect(controlProblem('pause', server({ provider: 'process', control }))).toBeUndefined();
  });
});

describe("which faults a target's service (or its lack of one) can take, known before anything runs", () => {
  const target = (over: Partial<TargetDefinition>) => ({ name: 'mine', ...over }) as TargetDefinition;

  it('refuses crash and pause on a service at a URL, and session kills with no database to end sessions on', () => {
    const atUrl = target({ service: { url: 'http://127.0.0.1:8080' } });
    expect(serviceProblem('crash', atUrl)).toBe(
      "the crash fault needs a service the harness starts (service.command); mine's runs at http://127.0.0.1:8080",
    );
    expect(serviceProblem('pause', atUrl)).toMatch(/needs a service the harness starts/);
    expect(serviceProblem('network', atUrl)).toBeUndefined(); // Toxiproxy in front of its port
    // libfaketime must be preloaded when the process starts: the harness has to start it.
    expect(serviceProblem('clock-skew', atUrl)).toMatch(
      /clock-skew fault needs a service the harness starts/,
    );
    expect(serviceProblem('kill-connection', atUrl)).toMatch(
      /has no database \(name its service's own in service\.databaseUrl\)/,
    );
  });

  it('lets them act on a service it starts, and session kills on the database it names', () => {
    const started = target({ service: { command: 'python3', databaseUrl: 'postgres://u:p@127.0.0.1/app' } });
    for (const kind of ['crash', 'pause', 'kill-connection', 'kill-query', 'network', 'clock-skew'])
      expect(serviceProblem(kind, started)).toBeUndefined();
  });
});
