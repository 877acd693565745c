/**
 * Hand-written histories that each checker must judge valid or invalid,
 * including the cases where only an `info` operation could explain what the
 * final state shows (never a violation) and where it cannot (still one).
 */
import { describe, expect, it } from 'vitest';
import { type Checker, MAX_VIOLATIONS_KEPT, runCheckers, verdictOf } from '../core/check.ts';
import type { Operation, Outcome } from '../core/history.ts';
import { durability } from './durability.ts';
import { INITIAL_TOKEN, noLostUpdate } from './lost-update.ts';
import { noOrphans } from './no-orphans.ts';
import { uniqueAlternateKey } from './unique-alternate-key.ts';

let nextId = 0;
function op(name: string, outcome: Outcome, args: unknown, value?: unknown, at = nextId): Operation {
  const o: Operation = {
    id: nextId++,
    worker: 0,
    op: name,
    args,
    outcome,
    invokedAt: at,
    completedAt: at + 1,
  };
  if (value !== undefined) o.value = value;
  return o;
}

describe('unique-alternate-key', () => {
  const checker = uniqueAlternateKey();
  const create = (outcome: Outcome, uuid: string, version: number, inserted: boolean, email = 'a@x') =>
    op(
      'create',
      outcome,
      { email, uuid: `fresh-${nextId}` },
      outcome === 'ok' ? { uuid, version, inserted } : undefined,
    );

  it('accepts one row, one uuid and a version that counts the updates', () => {
    const ops = [create('ok', 'u1', 1, true), create('ok', 'u1', 2, false), create('ok', 'u1', 3, false)];
    const result = checker.check({ operations: ops, finalState: [{ email: 'a@x', uuid: 'u1', version: 3 }] });
    expect(result.verdict).toBe('valid');
  });

  it('reports duplicate rows, naming the creates that made them', () => {
    const ops = [create('ok', 'u1', 1, true), create('ok', 'u2', 1, true)];
    const result = checker.check({
      operations: ops,
      finalState: [
        { email: 'a@x', uuid: 'u1', version: 1 },
        { email: 'a@x', uuid: 'u2', version: 1 },
      ],
    });
    expect(result.verdict).toBe('invalid');
    const invariants = result.violations.map((v) => v.invariant);
    expect(invariants).toEqual(expect.arrayContaining(['one-row-per-email', 'same-uuid', 'one-insert']));
    expect(result.violations.find((v) => v.invariant === 'one-row-per-email')!.operations).toEqual([
      ops[0]!.id,
      ops[1]!.id,
    ]);
  });

  it('names the create that made each duplicate row by the uuid it sent, even one with an unknown outcome', () => {
    // #a's insert committed although its call timed out; #b inserted a second row; #c updated #a's row.
    const a = op('create', 'info', { email: 'a@x', uuid: 'u1' });
    const b = op('create', 'ok', { email: 'a@x', uuid: 'u2' }, { uuid: 'u2', version: 1, inserted: true });
    const c = op('create', 'ok', { email: 'a@x', uuid: 'u3' }, { uuid: 'u1', version: 2, inserted: false });
    const result = checker.check({
      operations: [a, b, c],
      finalState: [
        { email: 'a@x', uuid: 'u1', version: 2 },
        { email: 'a@x', uuid: 'u2', version: 1 },
      ],
    });
    const duplicate = result.violations.find((v) => v.invariant === 'one-row-per-email')!;
    expect(duplicate.operations).toEqual([a.id, b.id]);
    expect(duplicate.message).toContain(`creates #${a.id}, #${b.id} each made their own`);
  });

  it('lets an unknown-outcome create explain one extra version bump, but not two', () => {
    const ops = [create('ok', 'u1', 1, true), create('info', '', 0, false), create('ok', 'u1', 3, false)];
    const ok = checker.check({ operations: ops, finalState: [{ email: 'a@x', uuid: 'u1', version: 3 }] });
    expect(ok.verdict).toBe('valid');
    const bad = checker.check({ operations: ops, finalState: [{ email: 'a@x', uuid: 'u1', version: 4 }] });
    expect(bad.verdict).toBe('invalid');
    expect(bad.violations[0]!.invariant).toBe('version-counts-updates');
  });

  it('reports an acknowledged create whose row vanished', () => {
    const result = checker.check({ operations: [create('ok', 'u1', 1, true, 'gone@x')], finalState: [] });
    expect(result.verdict).toBe('invalid');
  });
});

describe('no-lost-update', () => {
  const checker = noLostUpdate();
  const mutate = (
    outcome: Outcome,
    token: string,
    readVersion: number,
    readToken: string,
    wroteVersion: number,
  ) =>
    op(
      'mutate',
      outcome,
      { key: 0, token },
      outcome === 'ok' ? { readVersion, readToken, wroteVersion } : { readVersion },
    );

  it('still reports lost updates, and the missing row, when a key has no row in the final state', () => {
    const first = mutate('ok', 't1', 1, INITIAL_TOKEN, 2);
    const second = mutate('ok', 't2', 1, INITIAL_TOKEN, 2);
    const result = checker.check({ operations: [first, second], finalState: [] });
    expect(result.verdict).toBe('invalid');
    expect(result.violations.map((v) => [v.invariant, v.operations])).toEqual(
      expect.arrayContaining([
        ['unique-versions', [first.id, second.id]],
        ['final-version', [first.id, second.id]],
      ]),
    );
    // A key whose every update failed has nothing to lose: no row is no violation.
    const refused = mutate('fail', 't3', 1, INITIAL_TOKEN, 0);
    expect(checker.check({ operations: [refused], finalState: [] }).verdict).toBe('valid');
  });

  it('accepts a chain where each update read the one before it, with conflicts failing', () => {
    const ops = [
      mutate('ok', 't1', 1, INITIAL_TOKEN, 2),
      mutate('fail', 't2', 1, INITIAL_TOKEN, 0),
      mutate('ok', 't3', 2, 't1', 3),
    ];
    expect(
      checker.check({ operations: ops, finalState: [{ key: 0, version: 3, token: 't3' }] }).verdict,
    ).toBe('valid');
  });

  it('reports the classic lost update: both read version 1, both acknowledged', () => {
    // Blind update: A and B read v1; A writes v2, B overwrites to v3 without having read v2.
    const a = mutate('ok', 'A', 1, INITIAL_TOKEN, 2);
    const b = mutate('ok', 'B', 1, INITIAL_TOKEN, 3);
    const result = checker.check({ operations: [a, b], finalState: [{ key: 0, version: 3, token: 'B' }] });
    expect(result.verdict).toBe('invalid');
    expect(result.violations[0]).toMatchObject({ invariant: 'read-before-write', operations: [a.id, b.id] });
  });

  it('reports two acknowledged updates producing the same version', () => {
    const a = mutate('ok', 'A', 1, INITIAL_TOKEN, 2);
    const b = mutate('ok', 'B', 1, INITIAL_TOKEN, 2);
    const result = checker.check({ operations: [a, b], finalState: [{ key: 0, version: 2, token: 'B' }] });
    expect(result.violations.map((v) => v.invariant)).toEqual(
      expect.arrayContaining(['unique-versions', 'final-version']),
    );
  });

  it('does not blame a gap that an unknown-outcome update explains', () => {
    // #2 may have written version 2 before its connection dropped; #3 read it.
    const ops = [
      mutate('ok', 'A', 1, INITIAL_TOKEN, 2),
      mutate('info', 'X', 0, '', 0),
      mutate('ok', 'C', 3, 'X', 4),
    ];
    expect(checker.check({ operations: ops, finalState: [{ key: 0, version: 4, token: 'C' }] }).verdict).toBe(
      'valid',
    );
  });

  it('reports a read of a token nobody wrote at that version', () => {
    const ops = [mutate('ok', 'A', 1, INITIAL_TOKEN, 2), mutate('ok', 'B', 2, 'not-A', 3)];
    const result = checker.check({ operations: ops, finalState: [{ key: 0, version: 3, token: 'B' }] });
    expect(result.violations[0]!.invariant).toBe('read-what-was-written');
  });
});

describe('no-orphans', () => {
  const checker = noOrphans();
  const employees = [
    { id: 1, uuid: 'e1' },
    { id: 2, uuid: 'e2' },
  ];

  it('accepts timers that all reference existing employees and failed creates for deleted ones', () => {
    const del = op('deleteEmployee', 'ok', { employeeUuid: 'e3' }, { employeeId: 3 }, 10);
    const failed = op('createTimer', 'fail', { employeeUuid: 'e3', timerUuid: 't2' }, undefined, 20);
    const created = op('createTimer', 'ok', { employeeUuid: 'e1', timerUuid: 't1' }, { employeeId: 1 }, 30);
    const result = checker.check({
      operations: [del, failed, created],
      finalState: { timers: [{ uuid: 't1', employeeId: 1 }], employees },
    });
    expect(result.verdict).toBe('valid');
  });

  it('reports a create that failed but left its timer: it did not fail cleanly', () => {
    const failed = op('createTimer', 'fail', { employeeUuid: 'e1', timerUuid: 't5' }, undefined, 10);
    const unknown = op('createTimer', 'info', { employeeUuid: 'e1', timerUuid: 't6' }, undefined, 20);
    const result = checker.check({
      operations: [failed, unknown],
      finalState: {
        timers: [
          { uuid: 't5', employeeId: 1 },
          { uuid: 't6', employeeId: 1 }, // an unknown outcome may have happened: no violation
        ],
        employees,
      },
    });
    expect(result.violations).toEqual([
      expect.objectContaining({ invariant: 'refused-create-absent', operations: [failed.id] }),
    ]);
  });

  it('reports an orphan timer, naming its create and the delete of its employee', () => {
    const created = op('createTimer', 'ok', { employeeUuid: 'e3', timerUuid: 't9' }, { employeeId: 3 }, 10);
    const del = op('deleteEmployee', 'ok', { employeeUuid: 'e3' }, { employeeId: 3 }, 20);
    const result = checker.check({
      operations: [created, del],
      finalState: { timers: [{ uuid: 't9', employeeId: 3 }], employees },
    });
    expect(result.verdict).toBe('invalid');
    expect(result.violations[0]).toMatchObject({
      invariant: 'no-orphan-timer',
      operations: [created.id, del.id],
    });
  });

  it('reports a create acknowledged after its employee was deleted', () => {
    const del = op('deleteEmployee', 'ok', { employeeUuid: 'e1' }, { employeeId: 1 }, 10);
    const created = op('createTimer', 'ok', { employeeUuid: 'e1', timerUuid: 't1' }, { employeeId: 1 }, 20);
    const result = checker.check({
      operations: [del, created],
      finalState: { timers: [{ uuid: 't1', employeeId: 1 }], employees },
    });
    expect(result.violations.map((v) => v.invariant)).toContain('create-after-delete-fails');
  });

  it('reports an acknowledged timer that is missing, but not one whose create had an unknown outcome', () => {
    const lost = op('createTimer', 'ok', { employeeUuid: 'e1', timerUuid: 'lost' }, { employeeId: 1 }, 10);
    const maybe = op('createTimer', 'info', { employeeUuid: 'e1', timerUuid: 'maybe' }, undefined, 10);
    const result = checker.check({ operations: [lost, maybe], finalState: { timers: [], employees } });
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]).toMatchObject({
      invariant: 'acknowledged-timer-exists',
      operations: [lost.id],
    });
  });
});

describe('durability', () => {
  const checker = durability();
  const write = (outcome: Outcome, id: number) => op('write', outcome, { id });

  it('accepts every acknowledged write present, and unknown-outcome writes either way', () => {
    const ops = [write('ok', 1), write('ok', 2), write('info', 3), write('info', 4), write('fail', 5)];
    expect(checker.check({ operations: ops, finalState: { ids: [1, 2, 3] } }).verdict).toBe('valid');
  });

  it('is unknown, not valid, when no write was acknowledged: nothing was shown to survive', () => {
    const result = checker.check({
      operations: [write('info', 1), write('fail', 2), write('info', 3)],
      finalState: { ids: [1] },
    });
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toMatch(/no write was acknowledged/);
    // A refused write that appeared is still a violation, acknowledged writes or not.
    expect(checker.check({ operations: [write('fail', 2)], finalState: { ids: [2] } }).verdict).toBe(
      'invalid',
    );
  });

  it('reports acknowledged writes lost in a crash, naming them', () => {
    const lost = write('ok', 2);
    const result = checker.check({ operations: [write('ok', 1), lost], finalState: { ids: [1] } });
    expect(result.violations).toEqual([
      expect.objectContaining({ invariant: 'acknowledged-write-survives', operations: [lost.id] }),
    ]);
  });

  it('reports a write that failed but is present anyway', () => {
    const result = checker.check({ operations: [write('fail', 9)], finalState: { ids: [9] } });
    expect(result.violations[0]!.invariant).toBe('refused-write-absent');
  });
});

describe('runCheckers', () => {
  const finds = (n: number): Checker<null> => ({
    name: `finds-${n}`,
    description: 'd',
    check: () =>
      verdictOf(
        `finds-${n}`,
        Array.from({ length: n }, (_, i) => ({ invariant: 'x', message: `v${i}`, operations: [i] })),
      ),
  });
  const crashes: Checker<null> = {
    name: 'crashes',
    description: 'd',
    check: () => {
      throw new Error('no such column');
    },
  };

  it('judges with every checker: one that throws is unknown with its reason, each keeps its first violations', () => {
    const results = runCheckers([finds(0), crashes, finds(MAX_VIOLATIONS_KEPT + 5)], {
      operations: [],
      finalState: null,
    });
    expect(results.map((r) => r.verdict)).toEqual(['valid', 'unknown', 'invalid']);
    expect(results[1]!.reason).toBe('checker crashed: no such column');
    expect(results[2]!.violations).toHaveLength(MAX_VIOLATIONS_KEPT);
    expect(results[2]!.omitted).toBe(5);
  });
});
