import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckResult, verdictOf } from './check.ts';
import type { RunEnvironment } from './environment.ts';
import { loadHistory, type Operation } from './history.ts';
import type { SingleRun } from './run-pass.ts';
import { firstEvidence, runScenario, whyNothingIsProven } from './runner.ts';
import type { PassSeries, ScenarioDefinition } from './scenario.ts';
import { defineTarget, fail, ok } from './target.ts';

const operation = (id: number, completedAt: number): Operation => ({
  id,
  worker: 0,
  op: 'mutate',
  args: {},
  outcome: 'ok',
  invokedAt: completedAt - 1,
  completedAt,
});
const invalid = (...proofs: number[][]): CheckResult => ({
  checker: 'c',
  verdict: 'invalid',
  violations: proofs.map((operations) => ({ invariant: 'i', message: 'm', operations })),
});

describe('whyNothingIsProven', () => {
  const info = { ...operation(1, 5), outcome: 'info' as const, error: 'timeout' };
  it('says why a history with no operation, or none with a known outcome, proves nothing', () => {
    expect(whyNothingIsProven([], [{}], true)).toMatch(/no operation was recorded/);
    expect(whyNothingIsProven([info, info], [{}], false)).toMatch(
      /all 2 operations had an unknown outcome.*first: timeout/,
    );
    expect(whyNothingIsProven([info, operation(2, 6)], [{}], true)).toBeUndefined();
  });
  it('says so when a variant that must hold had no operation succeed; a mutant need not', () => {
    const failed = { ...operation(2, 6), outcome: 'fail' as const, error: 'conflict' };
    expect(whyNothingIsProven([failed, info], [{}], true)).toBe(
      'no operation succeeded (0 ok, 1 fail, 1 info): the run proved nothing; first failure: conflict',
    );
    expect(whyNothingIsProven([failed, info], [{}], false)).toBeUndefined();
  });
  it('leaves a k6 run, whose requests are not in the history, to its load figures', () => {
    const k6 = { load: { engine: 'k6' } } as Pick<SingleRun, 'load'>;
    expect(whyNothingIsProven([], [k6], true)).toBeUndefined();
  });
});

describe('firstEvidence', () => {
  const operations = [operation(3, 10), operation(7, 500), operation(8, 200), operation(9, 900)];

  it('dates a violation from the last of its operations to complete, and takes the earliest violation', () => {
    expect(firstEvidence([{ operations, checks: [invalid([3, 7])] }])).toBe(500);
    expect(firstEvidence([{ operations, checks: [invalid([3, 7], [8, 3])] }])).toBe(200);
  });

  it('dates a violation that stands for several cases from its earliest proven case', () => {
    const cases = [[9, 3], [7, 8], []];
    const summarized = { invariant: 'i', message: 'm', operations: [9, 3, 7, 8], cases };
    const checks = [{ checker: 'c', verdict: 'invalid' as const, violations: [summarized] }];
    expect(firstEvidence([{ operations, checks }])).toBe(500);
  });

  it('dates a violation of the final state (no operations named) at the end of the run', () => {
    expect(firstEvidence([{ operations, checks: [invalid([])] }])).toBe(900);
  });

  it('has no date without violations', () => {
    expect(
      firstEvidence([{ operations, checks: [{ checker: 'c', verdict: 'valid', violations: [] }] }]),
    ).toBe(undefined);
  });
});

/**
 * The runner on its own, with an in-memory target and environment (no
 * database, no process): outcomes, deadlines, interrupts, fault windows,
 * first proof, pass series and clean-up.
 */
describe('runScenario with an in-memory target', () => {
  interface Counter {
    value: number;
  }
  type AddArgs = { kind: 'add' | 'refuse' | 'ambiguous' | 'hang' };

  /** A counter; the `forgets-every-third` mutant acknowledges every third add without applying it. */
  function counterTarget(counter: Counter, kinds: (index: number) => AddArgs['kind']) {
    let adds = 0;
    return defineTarget<Counter, number>({
      name: 'counter',
      description: 'an in-memory counter',
      database: 'postgres',
      variants: {
        correct: { description: 'adds', broken: false },
        'forgets-every-third': {
          description: 'acknowledges every third add without applying it',
          broken: true,
        },
      },
      setup: async () => {
        counter.value = 0;
      },
      connect: async () => counter,
      disconnect: async () => {},
      operations: {
        async add(client, args: AddArgs, ctx) {
          if (args.kind === 'refuse') return fail('refused');
          if (args.kind === 'ambiguous')
            throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
          if (args.kind === 'hang') return new Promise<never>(() => {});
          adds++;
          if (!(ctx.variant === 'forgets-every-third' && adds % 3 === 0)) client.value++;
          return ok({ after: client.value });
        },
      },
      plan: ({ index }) => ({ op: 'add', args: { kind: kinds(index) } }),
      finalState: async () => counter.value,
      checkers: [
        {
          name: 'every-acknowledged-add-counted',
          description: 'the final value lies between the ok adds and the ok plus unknown adds',
          check: ({ operations, finalState }) => {
            const oks = operations.filter((o) => o.outcome === 'ok');
            const infos = operations.filter((o) => o.outcome === 'info').length;
            const lost = finalState < oks.length;
            return verdictOf(
              'every-acknowledged-add-counted',
              lost || finalState > oks.length + infos
                ? [
                    {
                      invariant: 'acknowledged-adds',
                      message: `${oks.length} adds acknowledged, value ${finalState}`,
                      operations: oks.slice(0, 3).map((o) => o.id),
                    },
                  ]
                : [],
            );
          },
        },
      ],
    });
  }

  /** Databases that are only names, and a fault schedule that only writes its windows into the history. */
  function inMemoryEnvironment(log: string[]): RunEnvironment {
    return {
      async providePass(request) {
        log.push(`provide ${request.database} network=${request.networkFaults}`);
        return {
          database: {
            kind: 'postgres',
            host: '127.0.0.1',
            port: 1,
            user: 'u',
            password: 'p',
            database: 'mem',
          },
          dispose: async () => {
            log.push('dispose');
          },
        };
      },
      startFaults(windows, _pass, history, origin) {
        const timers: NodeJS.Timeout[] = [];
        const open = new Set<string>();
        let finish = () => {};
        const done = new Promise<void>((resolve) => {
          finish = resolve;
        });
        for (const [i, w] of windows.entries()) {
          timers.push(
            setTimeout(
              () => {
                history.fault('fault-start', w.label, { window: i });
                open.add(w.label);
              },
              origin + w.startMs - history.now(),
            ),
            setTimeout(
              () => {
                history.fault('fault-stop', w.label, { window: i });
                open.delete(w.label);
              },
              origin + w.endMs - history.now(),
            ),
          );
        }
        return {
          run: () => done,
          async stop() {
            for (const t of timers) clearTimeout(t);
            for (const label of open) history.fault('fault-stop', label, {});
            open.clear();
            finish();
          },
          get activeLabels() {
            return [...open];
          },
        };
      },
    };
  }

  const scenario = (workload: ScenarioDefinition['workload'], extra: Partial<ScenarioDefinition> = {}) => ({
    name: 'counting',
    description: 'adds',
    target: 'counter',
    workload,
    ...extra,
  });
  const settings = () => ({ seed: 1, outDir: mkdtempSync(join(tmpdir(), 'chaos-runner-')) });

  it('records ok, fail and info, and holds the correct variant', async () => {
    const log: string[] = [];
    const kinds = (i: number) => (i % 5 === 3 ? 'refuse' : i % 5 === 4 ? 'ambiguous' : 'add');
    const target = counterTarget({ value: 0 }, kinds);
    const result = await runScenario(
      scenario({ workers: 2, opCount: 20 }),
      target,
      'correct',
      inMemoryEnvironment(log),
      settings(),
    );
    expect(result.summary.counts).toEqual({ ok: 12, fail: 4, info: 4 });
    expect(result).toMatchObject({ verdict: 'valid', expected: 'valid', passed: true, interrupted: false });
    expect(result.detectedAtMs).toBeUndefined();
    expect(log).toEqual(['provide postgres network=false', 'dispose']);
    const { operations } = await loadHistory(result.historyFiles[0]!);
    expect(operations.find((o) => o.outcome === 'info')?.error).toMatch(/ECONNRESET/);
  });

  it('catches the mutant, and dates the first proof from the operations the violation names', async () => {
    const target = counterTarget({ value: 0 }, () => 'add');
    const result = await runScenario(
      scenario({ workers: 1, opCount: 9 }),
      target,
      'forgets-every-third',
      inMemoryEnvironment([]),
      settings(),
    );
    expect(result).toMatchObject({ verdict: 'invalid', expected: 'invalid', passed: true });
    expect(result.checks[0]!.violations[0]!.message).toBe('9 adds acknowledged, value 6');
    const { operations } = await loadHistory(result.historyFiles[0]!);
    expect(result.detectedAtMs).toBe(operations.find((o) => o.id === 2)!.completedAt);
  });

  it('records an operation past its deadline as info and goes on', async () => {
    const target = counterTarget({ value: 0 }, (i) => (i === 1 ? 'hang' : 'add'));
    const started = Date.now();
    const result = await runScenario(
      scenario({ workers: 1, opCount: 4, timeoutMs: 100 }),
      target,
      'correct',
      inMemoryEnvironment([]),
      settings(),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.summary.counts).toEqual({ ok: 3, fail: 0, info: 1 });
    expect(result.verdict).toBe('valid');
  });

  it('stops when interrupted, keeps what it recorded, and still disposes the databases', async () => {
    const log: string[] = [];
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 150);
    const result = await runScenario(
      scenario({ workers: 2, durationMs: 10_000, pacing: { kind: 'paced', rateMs: 10, offsetMs: 5 } }),
      counterTarget({ value: 0 }, () => 'add'),
      'correct',
      inMemoryEnvironment(log),
      { ...settings(), signal: abort.signal },
    );
    expect(result.interrupted).toBe(true);
    expect(result.summary.operations).toBeGreaterThan(0);
    expect(result.summary.operations).toBeLessThan(100);
    expect(log.at(-1)).toBe('dispose');
  });

  it('a run interrupted before its first operation tested nothing: unknown, never valid', async () => {
    const abort = new AbortController();
    abort.abort();
    const result = await runScenario(
      scenario({ workers: 1, opCount: 5 }),
      counterTarget({ value: 0 }, () => 'add'),
      'correct',
      inMemoryEnvironment([]),
      { ...settings(), signal: abort.signal },
    );
    expect(result.verdict).toBe('unknown');
    expect(result.passed).toBe(false);
  });

  it('asks for a proxy when the plan has network faults, and counts the operations inside each fault window', async () => {
    const log: string[] = [];
    const result = await runScenario(
      scenario(
        { workers: 1, durationMs: 600, pacing: { kind: 'paced', rateMs: 10, offsetMs: 0 } },
        {
          faults: [
            {
              kind: 'network',
              startMs: 200,
              durationMs: 200,
              toxic: { type: 'latency', attributes: { latency: 1 } },
            },
          ],
        },
      ),
      counterTarget({ value: 0 }, () => 'add'),
      'correct',
      inMemoryEnvironment(log),
      settings(),
    );
    expect(log[0]).toBe('provide postgres network=true');
    expect(result.faultWindows).toHaveLength(1);
    const [window] = result.faultWindows;
    expect(window!.fault).toBe('network:latency');
    expect(window!.counts.ok).toBeGreaterThan(5);
    expect(window!.counts.ok).toBeLessThan(result.summary.counts.ok);
  });

  it('setup failing is the run’s error (unknown), and the databases are disposed', async () => {
    const log: string[] = [];
    const target = {
      ...counterTarget({ value: 0 }, () => 'add'),
      setup: async () => Promise.reject(new Error('no schema')),
    };
    const result = await runScenario(
      scenario({ workers: 1, opCount: 3 }),
      target,
      'correct',
      inMemoryEnvironment(log),
      settings(),
    );
    expect(result).toMatchObject({ verdict: 'unknown', passed: false, error: 'no schema' });
    expect(log).toEqual(['provide postgres network=false', 'dispose']);
  });

  it.each([
    ['a number', 42, 'returned 42'],
    ['an unknown outcome', { outcome: 'maybe' }, 'returned {"outcome":"maybe"}'],
    ['nothing', undefined, 'returned undefined'],
  ])(
    'stops at an operation that returns %s, names it, keeps the history and calls the run unknown',
    async (_, returned, named) => {
      const target = counterTarget({ value: 0 }, () => 'add');
      const garbage = { ...target, operations: { add: async () => returned as never } };
      const result = await runScenario(
        scenario({ workers: 2, durationMs: 5000 }),
        garbage,
        'correct',
        inMemoryEnvironment([]),
        settings(),
      );
      expect(result).toMatchObject({ verdict: 'unknown', passed: false });
      const check = result.checks.find((c) => c.checker === 'target')!;
      expect(check.reason).toContain(
        `target error: operation "add" ${named}; expected ok(value) or fail(reason)`,
      );
      expect(result.durationMs).toBeLessThan(2000);
      const { operations } = await loadHistory(result.historyFiles[0]!);
      expect(operations.length).toBeGreaterThan(0);
      expect(operations.length).toBeLessThanOrEqual(4);
    },
  );

  it('a run whose every operation threw proved nothing: unknown, not valid', async () => {
    const target = counterTarget({ value: 0 }, () => 'ambiguous');
    const result = await runScenario(
      scenario({ workers: 2, opCount: 10 }),
      target,
      'correct',
      inMemoryEnvironment([]),
      settings(),
    );
    expect(result.summary.counts).toEqual({ ok: 0, fail: 0, info: 10 });
    expect(result.verdict).toBe('unknown');
    expect(result.checks.find((c) => c.checker === 'history')?.reason).toMatch(
      /all 10 operations had an unknown outcome/,
    );
  });

  it('keeps the counts and the history when finalState fails, and calls the checks unknown', async () => {
    const target = {
      ...counterTarget({ value: 0 }, () => 'add'),
      finalState: async () => Promise.reject(new Error('gone')),
    };
    const result = await runScenario(
      scenario({ workers: 1, opCount: 5 }),
      target,
      'correct',
      inMemoryEnvironment([]),
      settings(),
    );
    expect(result.summary.counts.ok).toBe(5);
    expect(result).toMatchObject({
      verdict: 'unknown',
      checks: [{ checker: 'final-state', reason: 'finalState failed: gone' }],
    });
  });

  it('keeps every history file inside histories/, whatever the variant is named', async () => {
    const target = counterTarget({ value: 0 }, () => 'add');
    const hostile = {
      ...target,
      variants: { ...target.variants, '../../../escaped': target.variants.correct! },
    };
    const out = settings();
    const result = await runScenario(
      scenario({ workers: 1, opCount: 2 }),
      hostile,
      '../../../escaped',
      inMemoryEnvironment([]),
      out,
    );
    expect(result.historyFiles).toHaveLength(1);
    expect(result.historyFiles[0]).toMatch(
      /\/histories\/counting--\.\._\.\._\.\._escaped-[0-9a-f]{8}\.ndjson$/,
    );
    expect(dirname(result.historyFiles[0]!)).toBe(join(out.outDir, 'histories'));
    expect(result.summary.operations).toBe(2);
  });

  it('runs a pass series on fresh databases each, and adds its judgement', async () => {
    const log: string[] = [];
    const series: PassSeries = {
      passes: (base) => [
        { label: 'small', spec: { ...base, opCount: 2 } },
        { label: 'large', spec: { ...base, opCount: 5 } },
      ],
      judge: (passes) => ({
        checks: [
          verdictOf(
            'pass-sizes',
            passes.map((p) => p.operations.length).join(',') === '2,5'
              ? []
              : [{ invariant: 'sizes', message: 'unexpected pass sizes', operations: [] }],
          ),
        ],
      }),
    };
    const result = await runScenario(
      scenario({ workers: 1, opCount: 100 }, { passes: series }),
      counterTarget({ value: 0 }, () => 'add'),
      'correct',
      inMemoryEnvironment(log),
      settings(),
    );
    expect(log.filter((l) => l === 'dispose')).toHaveLength(2);
    expect(result.historyFiles.map((f) => f.split('--').at(-1))).toEqual(['small.ndjson', 'large.ndjson']);
    expect(result.summary.operations).toBe(7);
    expect(result.checks.map((c) => [c.checker, c.verdict])).toContainEqual(['pass-sizes', 'valid']);
  });
});
