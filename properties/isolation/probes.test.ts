import { expect, it } from 'vitest';
import { observedTransactionVanishes } from './probes.ts';

it("OTV is Adya's: T1's write seen, then a version of the other row older than T1's; a later one is only a non-repeatable read", () => {
  // Row 2: 20 (initial) < 19 (T1) < 18 (T2). Row 1: 11 is T1's, 12 is T2's.
  expect(observedTransactionVanishes(11, 20)).toBe(true); // T1 seen, then T1's row 2 vanished
  expect(observedTransactionVanishes(12, 19)).toBe(true); // T2 seen, then T2's row 2 vanished
  expect(observedTransactionVanishes(12, 20)).toBe(true);
  expect(observedTransactionVanishes(11, 19)).toBe(false); // all of T1
  expect(observedTransactionVanishes(11, 18)).toBe(false); // T1, then T2 after it: read committed permits it
  expect(observedTransactionVanishes(12, 18)).toBe(false);
  expect(observedTransactionVanishes(10, 20)).toBe(false); // nothing observed
});
