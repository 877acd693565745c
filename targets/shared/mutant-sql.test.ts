import { expect, it } from 'vitest';
import { withoutClause } from './mutant-sql.ts';

it('cuts the clause out when it appears exactly once', () => {
  expect(withoutClause('CREATE TABLE t (a INT,\n  UNIQUE(a))', ',\n  UNIQUE(a)', 'no-unique')).toBe(
    'CREATE TABLE t (a INT)',
  );
});

it('throws, naming the mutant, when a reformatted SQL no longer contains the clause', () => {
  expect(() => withoutClause('CREATE TABLE t (a INT, UNIQUE (a))', ', UNIQUE(a)', 'no-unique')).toThrow(
    /mutant no-unique: .* does not appear/,
  );
});

it('throws when the clause is ambiguous', () => {
  expect(() => withoutClause('UNIQUE(a) UNIQUE(a)', 'UNIQUE(a)', 'm')).toThrow(/more than once/);
});
