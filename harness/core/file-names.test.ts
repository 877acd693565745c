import { expect, it } from 'vitest';
import { safeFileName } from './file-names.ts';

it('keeps ordinary names and makes hostile ones harmless', () => {
  expect(safeFileName('stale-version-mutation--blind-update')).toBe('stale-version-mutation--blind-update');
  expect(safeFileName('../../../escaped')).toMatch(/^___\.\._\.\._escaped-[0-9a-f]{8}$/);
  expect(safeFileName('.hidden')).toMatch(/^_hidden-[0-9a-f]{8}$/);
  expect(safeFileName('a\nb\u001b[2J')).toMatch(/^a_b__2J-[0-9a-f]{8}$/);
  expect(safeFileName('')).toMatch(/^_-[0-9a-f]{8}$/);
  expect(safeFileName('x'.repeat(500))).toHaveLength(120 + 9);
});

it('never gives two names the same file name', () => {
  const names = ['a/b', 'a_b', 'a b', 'a\\b', 'x'.repeat(500), `${'x'.repeat(500)}y`];
  expect(new Set(names.map(safeFileName)).size).toBe(names.length);
  expect(safeFileName('a_b')).toBe('a_b');
});
