/**
 * Hand-written histories that each checker must judge valid or invalid,
 * including the cases where only an `info` operation could explain what the
 * final state shows (never a violation) and where it cannot (still one).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  cartItemsBelongToCarts,
  oneCustomerPerEmail,
  placedOrdersSurvive,
  restocksAreNotLost,
  type Shop,
  type SignUp,
  shopCheckers,
} from '../../examples/checkers.example.ts';
import { type Checker, MAX_VIOLATIONS_KEPT, runCheckers, verdictOf } from '../core/check.ts';
import type { Operation, Outcome } from '../core/history.ts';
import { acknowledgedWritesSurvive } from './acknowledged-writes-survive.ts';
import { durability } from './durability.ts';
import { INITIAL_TOKEN, noLostUpdate, type VersionedRow } from './lost-update.ts';
import { noOrphans } from './no-orphans.ts';
import { uniqueAlternateKey } from './unique-alternate-key.ts';
import { uniqueBy } from './unique-by.ts';

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
    const elsewhere = { ...mutate('ok', 't4', 1, INITIAL_TOKEN, 2), args: { key: 1, token: 't4' } };
    const rowOfKey1 = { key: 1, version: 2, token: 't4' };
    expect(checker.check({ operations: [refused, elsewhere], finalState: [rowOfKey1] }).verdict).toBe(
      'valid',
    );
  });

  it('had nothing to judge when no update was acknowledged: unknown, not valid', () => {
    const refused = mutate('fail', 't3', 1, INITIAL_TOKEN, 0);
    expect(checker.check({ operations: [refused], finalState: [] })).toMatchObject({
      verdict: 'unknown',
      reason: 'had nothing to judge: no acknowledged mutate in the history',
      vacuous: true,
    });
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

/** The docs' example checkers (examples/checkers.example.ts), on the shop's own shapes. */
describe('general checkers on a user’s own shapes', () => {
  const shop = (tables: Partial<Shop>): Shop => ({
    products: [],
    customers: [],
    orders: [],
    carts: [],
    cartItems: [],
    ...tables,
  });

  it('noLostUpdate: holds on a chain of restocks, catches two built on the same revision', () => {
    const restock = (outcome: Outcome, revisionRead: number, revisionWritten: number) =>
      op(
        'restock',
        outcome,
        { sku: 'mug', amount: 1 },
        outcome === 'ok' ? { revisionRead, revisionWritten } : undefined,
      );
    const chain = [restock('ok', 0, 1), restock('fail', 0, 0), restock('ok', 1, 2)];
    const product = (revision: number) => shop({ products: [{ sku: 'mug', stock: 2, revision }] });
    expect(restocksAreNotLost.check({ operations: chain, finalState: product(2) }).verdict).toBe('valid');

    const [a, b] = [restock('ok', 0, 1), restock('ok', 0, 2)]; // b overwrote a's revision 1 unseen
    const result = restocksAreNotLost.check({ operations: [a!, b!], finalState: product(2) });
    expect(result).toMatchObject({ checker: 'restocks-are-not-lost', verdict: 'invalid' });
    expect(result.violations[0]).toMatchObject({
      invariant: 'read-before-write',
      operations: [a!.id, b!.id],
    });
  });

  it('noLostUpdate: judges tokens read through custom accessors', () => {
    const checker = noLostUpdate<{ id: string; rev: number }>({
      op: 'save',
      key: (o) => (o.args as { page: string }).page,
      readVersion: (o) => (o.value as { base: number }).base,
      wroteVersion: (o) => (o.value as { base: number }).base + 1,
      rowKey: (page) => page.id,
      rowVersion: (page) => page.rev,
      tokens: {
        wrote: (o) => (o.args as { text: string }).text,
        read: (o) => (o.value as { baseText: string }).baseText,
        initial: '',
      },
    });
    const save = (text: string, base: number, baseText: string) =>
      op('save', 'ok', { page: 'home', text }, { base, baseText });
    const finalState = [{ id: 'home', rev: 3 }];
    expect(checker.check({ operations: [save('a', 1, ''), save('b', 2, 'a')], finalState }).verdict).toBe(
      'valid',
    );
    const misread = checker.check({ operations: [save('a', 1, ''), save('b', 2, 'zzz')], finalState });
    expect(misread.violations.map((v) => v.invariant)).toEqual(['read-what-was-written']);
  });

  it('uniqueBy: holds on one customer per email, catches a second one and a second id', () => {
    const signUp = (email: string, customerId: number) => op('signUp', 'ok', { email }, { customerId });
    const ops = [signUp('a@x', 1), signUp('a@x', 1), signUp('b@x', 2)];
    const one = shop({
      customers: [
        { id: 1, email: 'a@x' },
        { id: 2, email: 'b@x' },
      ],
    });
    expect(oneCustomerPerEmail.check({ operations: ops, finalState: one }).verdict).toBe('valid');

    const twice = [signUp('a@x', 1), signUp('a@x', 3)];
    const two = shop({
      customers: [
        { id: 1, email: 'a@x' },
        { id: 3, email: 'a@x' },
      ],
    });
    const result = oneCustomerPerEmail.check({ operations: twice, finalState: two });
    expect(result.violations.map((v) => [v.invariant, v.operations])).toEqual([
      ['one-row-per-email', [twice[0]!.id, twice[1]!.id]],
      ['same-id', [twice[0]!.id, twice[1]!.id]],
    ]);
  });

  it('uniqueBy: with no identity, a duplicate names the creates that may have made it', () => {
    const checker = uniqueBy({
      op: 'tag',
      key: (o) => (o.args as { label: string }).label,
      rowKey: (r: { label: string }) => r.label,
    });
    const ops = [
      op('tag', 'ok', { label: 'red' }),
      op('tag', 'info', { label: 'red' }),
      op('tag', 'fail', { label: 'red' }),
    ];
    const result = checker.check({ operations: ops, finalState: [{ label: 'red' }, { label: 'red' }] });
    expect(result.violations).toEqual([
      expect.objectContaining({ invariant: 'one-row-per-key', operations: [ops[0]!.id, ops[1]!.id] }),
    ]);
    expect(checker.check({ operations: ops, finalState: [{ label: 'red' }] }).verdict).toBe('valid');
  });

  it('acknowledgedWritesSurvive: holds when every placed order is there, catches a lost one', () => {
    const place = (outcome: Outcome, orderId: number) => op('placeOrder', outcome, { orderId });
    const ops = [place('ok', 1), place('ok', 2), place('info', 3)];
    expect(
      placedOrdersSurvive.check({ operations: ops, finalState: shop({ orders: [{ id: 1 }, { id: 2 }] }) })
        .verdict,
    ).toBe('valid');
    const result = placedOrdersSurvive.check({ operations: ops, finalState: shop({ orders: [{ id: 1 }] }) });
    expect(result.violations).toEqual([
      expect.objectContaining({ invariant: 'acknowledged-write-survives', operations: [ops[1]!.id] }),
    ]);
  });

  it('noDanglingReferences: holds while carts are abandoned, catches an item left in a gone cart', () => {
    const add = (cartId: number, itemId: string, at: number) =>
      op('addToCart', 'ok', { cartId, itemId }, {}, at);
    const abandon = op('abandonCart', 'ok', { cartId: 2 }, undefined, 10);
    const kept = add(1, 'i1', 20);
    const valid = cartItemsBelongToCarts.check({
      operations: [abandon, kept],
      finalState: shop({ carts: [{ id: 1 }], cartItems: [{ id: 'i1', cartId: 1 }] }),
    });
    expect(valid.verdict).toBe('valid');

    const late = add(2, 'i2', 20); // added after its cart was abandoned, and left there
    const result = cartItemsBelongToCarts.check({
      operations: [abandon, late],
      finalState: shop({ carts: [{ id: 1 }], cartItems: [{ id: 'i2', cartId: 2 }] }),
    });
    expect(result.violations.map((v) => [v.invariant, v.operations])).toEqual([
      ['no-orphan-item', [late.id, abandon.id]],
      ['create-after-delete-fails', [abandon.id, late.id]],
    ]);
  });

  it('every checker infers the user’s state from the accessors, and tsc rejects an accessor that does not fit', () => {
    expectTypeOf(shopCheckers).toEqualTypeOf<Checker<Shop>[]>();
    expectTypeOf(restocksAreNotLost).toEqualTypeOf<Checker<Shop>>();
    expectTypeOf(oneCustomerPerEmail).toEqualTypeOf<Checker<Shop>>();
    expectTypeOf(placedOrdersSurvive).toEqualTypeOf<Checker<Shop>>();
    expectTypeOf(cartItemsBelongToCarts).toEqualTypeOf<Checker<Shop>>();
    expectTypeOf(noLostUpdate()).toEqualTypeOf<Checker<VersionedRow[]>>();
    // @ts-expect-error a product has no `id`
    noLostUpdate({ rows: (s: Shop) => s.products, rowKey: (product) => product.id });
    // @ts-expect-error a key is a string, number or bigint, not an object
    uniqueBy({ op: 'signUp', key: (o) => o.args as object, rowKey: (c: { email: string }) => c.email });
    acknowledgedWritesSurvive<Shop>({
      op: 'placeOrder',
      written: () => 1,
      // @ts-expect-error `present` reads the final state the checker judges: a Shop, not a list of orders
      present: (orders: { id: number }[]) => orders.map((o) => o.id),
    });
  });
});

describe('an accessor that finds nothing', () => {
  it('makes the verdict unknown, naming the operation and the field, never valid', () => {
    // A history whose values lack `wroteVersion`: without the field, nothing below could be judged.
    const mutate = op('mutate', 'ok', { key: 0, token: 't' }, { readVersion: 1, readToken: INITIAL_TOKEN });
    const result = noLostUpdate().check({
      operations: [mutate],
      finalState: [{ key: 0, version: 2, token: 't' }],
    });
    expect(result).toMatchObject({ checker: 'no-lost-update', verdict: 'unknown' });
    expect(result.reason).toBe(
      `could not read every field it judges: operation #${mutate.id} (mutate) has no wroteVersion`,
    );
  });

  it('names a row without its key, and a final state without its rows', () => {
    const checker = uniqueBy({
      op: 'signUp',
      key: (o) => (o.args as SignUp).email,
      rowKey: (c: { email?: string }) => c.email,
    });
    const noKey = checker.check({ operations: [], finalState: [{}] });
    expect(noKey.verdict).toBe('unknown');
    expect(noKey.reason).toContain('final-state row {} has no rowKey');
    const noRows = noLostUpdate<VersionedRow, { rows?: VersionedRow[] }>({ rows: (s) => s.rows }).check({
      operations: [],
      finalState: {},
    });
    expect(noRows.reason).toContain('the final state has no rows');
  });

  it('says what an accessor threw, lists a few missing fields and counts the rest', () => {
    const writes = [1, 2, 3, 4, 5].map((id) => op('write', 'ok', { id }));
    const result = acknowledgedWritesSurvive<number[]>({
      op: 'write',
      written: (o) => (o.value as { id: number }).id, // value is undefined: throws
      present: (ids) => ids,
    }).check({ operations: writes, finalState: [1, 2, 3, 4, 5] });
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toMatch(
      new RegExp(
        `^could not read every field it judges: operation #${writes[0]!.id} \\(write\\): written threw .+ \\(\\+2 more\\)$`,
      ),
    );
  });

  it('is unknown rather than invalid even when the rest shows a violation: the missing field may explain it', () => {
    const created = op('createTimer', 'ok', { employeeUuid: 'e1', timerUuid: 't1' }, {}); // no employeeId
    const result = noOrphans().check({
      operations: [created],
      finalState: { timers: [], employees: [{ id: 1, uuid: 'e1' }] },
    });
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toContain(`operation #${created.id} (createTimer) has no creates.parent`);
  });
});
