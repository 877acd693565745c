import { expect, it } from 'vitest';
import { crashDueAfterCommit, type FaultHooks } from './http-service.ts';

it('crash-after-commit: the counted hook takes any effect, the aimed one only its entity, each once', () => {
  const hooks: FaultHooks = { failNext: 0, delayMs: 0, crashAfterCommit: 1, crashAfterCommitOf: 'victim' };
  expect(crashDueAfterCommit(hooks, 'other')).toBe(true); // the counted crash, used up
  expect(crashDueAfterCommit(hooks, 'other')).toBe(false); // the aimed one is not for it
  expect(crashDueAfterCommit(hooks, 'victim')).toBe(true);
  expect(crashDueAfterCommit(hooks, 'victim')).toBe(false); // used up too
  expect(hooks).toMatchObject({ crashAfterCommit: 0, crashAfterCommitOf: '' });
});

it('crash-after-commit: for its own entity, the aimed crash is used before a counted one', () => {
  const hooks: FaultHooks = { failNext: 0, delayMs: 0, crashAfterCommit: 1, crashAfterCommitOf: 'victim' };
  expect(crashDueAfterCommit(hooks, 'victim')).toBe(true);
  expect(hooks).toMatchObject({ crashAfterCommit: 1, crashAfterCommitOf: '' });
});
