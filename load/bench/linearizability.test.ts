import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkLinearizable } from '../../harness/checkers/linearizable/check.ts';
import { casRegister, versionedRegister } from '../../harness/checkers/linearizable/models.ts';
import { checkListAppend } from '../../harness/checkers/transactional/list-append.ts';
import { etcdLog } from './etcd-log.ts';
import { listAppendHistory, versionedRegisterHistory } from './generated-histories.ts';
import { compareRound } from './linearizability.ts';

it("reads a Jepsen etcd log as Porcupine's tests do", () => {
  const file = join(mkdtempSync(join(tmpdir(), 'etcd-log-')), 'etcd.log');
  writeFileSync(
    file,
    [
      'INFO  jepsen.util - 0\t:invoke\t:write\t4',
      'INFO  jepsen.util - 1\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 0\t:ok\t:write\t4',
      'INFO  jepsen.util - 1\t:ok\t:read\t4',
      'INFO  jepsen.util - 2\t:invoke\t:cas\t[4 1]',
      'INFO  jepsen.util - 2\t:fail\t:cas\t[4 1]',
      'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
      'INFO  jepsen.util - 4\t:invoke\t:write\t2',
      'INFO  jepsen.util - 4\t:fail\t:write\t2', // not a completion Porcupine reads: it stays open
      'some other line',
    ].join('\n'),
  );
  const ops = etcdLog(file);
  expect(ops.map((o) => [o.client, o.input, o.output, o.known, o.call, o.return])).toEqual([
    [0, { f: 'write', value: 4 }, null, true, 0, 2],
    [1, { f: 'read' }, 4, true, 1, 3],
    [2, { f: 'cas', from: 4, to: 1 }, false, true, 4, 5],
    [3, { f: 'read' }, undefined, false, 6, Number.POSITIVE_INFINITY],
    [4, { f: 'write', value: 2 }, undefined, false, 8, Number.POSITIVE_INFINITY],
  ]);
  // The cas that answered false is a known answer: the value was 4, so the history is not linearizable.
  expect(checkLinearizable(casRegister(null), ops).verdict).toBe('invalid');
});

it('generates versioned-register histories that are linearizable, with unknown outcomes', () => {
  const ops = versionedRegisterHistory(2000, 10, { seed: 5, unknownShare: 0.05 });
  expect(ops.filter((o) => !o.known).length).toBeGreaterThan(50);
  expect(
    ops.some(
      (o) => o.known && o.input.f === 'update' && (o.output as { updated: boolean }).updated === false,
    ),
  ).toBe(true);
  expect(checkLinearizable(versionedRegister({ value: null, version: 0 }), ops).verdict).toBe('valid');
});

it('generates list-append histories that are strict serializable, keys retired after their appends', () => {
  const history = listAppendHistory(3000, 10, { seed: 9, writesPerKey: 8 });
  const keys = new Set(history.flatMap((t) => t.ops.map((op) => op[1])));
  expect(keys.size).toBeGreaterThan(50);
  const result = checkListAppend(history, 'strict-serializable');
  expect(result.anomalies).toEqual([]);
  expect(result.valid).toBe(true);
});

it('compares a round history by history: a disagreement is named, a history one side gave up on is left out', () => {
  const names = ['a', 'b', 'c', 'd'];
  const round = compareRound(
    names,
    [
      { verdict: 'valid', ms: 1 },
      { verdict: 'invalid', ms: 4 },
      { verdict: 'valid', ms: 1000 },
      { verdict: 'valid', ms: 2 },
    ],
    [
      { verdict: 'valid', ms: 4 },
      { verdict: 'invalid', ms: 1 },
      { verdict: 'unknown', ms: 20_000 },
      { verdict: 'invalid', ms: 2 },
    ],
  );
  expect(round.disagreements).toEqual(['d']);
  expect(round.leftOut).toEqual(['c (checker valid, Porcupine unknown)']);
  // Over a, b and d: (4/1 * 1/4 * 2/2)^(1/3) = 1, and the columns' ratio is that same figure.
  expect(round.ratio).toBeCloseTo(1, 10);
  expect(round.porcupineMs / round.checkerMs).toBeCloseTo(round.ratio, 10);
});
