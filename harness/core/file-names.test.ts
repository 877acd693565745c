import { expect, it } from 'vitest';
import { safeFileName } from './file-names.ts';

it('keeps ordinary names and makes hostile ones harmless', () => {
  expect(safeFileName('stale-version-mutation--blind-update')).toBe('stale-version-mutation--blind-update');
  expect(safeFileName('../../../escaped')).toBe('___.._.._escaped');
  expect(safeFileName('.hidden')).toBe('_hidden');
  expect(safeFileName('a\nb\u001b[2J')).toBe('a_b__2J');
  expect(safeFileName('')).toBe('_');
  expect(safeFileName('x'.repeat(500))).toHaveLength(120);
});
