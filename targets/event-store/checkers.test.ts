/** The expected-version contract on hand-written histories and streams, both ways. */
import { expect, it } from 'vitest';
import type { Operation } from '../../harness/core/history.ts';
import { appendedAtExpectedVersion, type Stream } from './index.ts';

const command = (id: number, decidedAt: number, outcome: Operation['outcome'] = 'ok'): Operation => ({
  id,
  worker: id,
  op: 'command',
  args: { stream: 0, id: `c${id}`, kind: 'withdraw', amount: 1 },
  outcome,
  ...(outcome === 'ok' ? { value: { decidedAt, balance: 5 } } : {}),
  invokedAt: id,
  completedAt: id + 1,
});
const stream = (...commands: string[]): Stream[] => [
  { stream: 0, events: commands.map((c, i) => ({ version: i + 1, amount: -1, command: c })) },
];

it('holds when each acknowledged command landed right after the version it decided on', () => {
  const verdict = appendedAtExpectedVersion.check({
    operations: [command(0, 0), command(1, 1)],
    finalState: stream('c0', 'c1'),
  } as never);
  expect(verdict).toMatchObject({ verdict: 'valid', violations: [] });
});

it('names the command whose event landed past a version it never saw', () => {
  // c1 and c2 both decided on version 1; c2 landed at 3.
  const verdict = appendedAtExpectedVersion.check({
    operations: [command(0, 0), command(1, 1), command(2, 1), command(3, 0, 'info')],
    finalState: stream('c0', 'c1', 'c2', 'c3'),
  } as never);
  expect(verdict.verdict).toBe('invalid');
  expect(verdict.violations).toEqual([
    {
      invariant: 'appended-at-expected-version',
      message: 'stream 0: command c2 decided on version 1, yet its event landed at version 3',
      operations: [2],
    },
  ]);
});
