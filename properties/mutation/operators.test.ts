import { describe, expect, it } from 'vitest';
import { statementMutants } from './operators.ts';

const UPDATE =
  'UPDATE employee SET first_name = $3, version = version + 1 WHERE id = $1 AND version = $2 RETURNING version';

describe('statement mutants', () => {
  it('drops each conjunct of an UPDATE WHERE, the last (the version check) first, keeping its placeholders bound', () => {
    const mutants = statementMutants([UPDATE, 'SELECT version FROM employee WHERE id = $1']);
    expect(mutants.map((m) => m.operator)).toEqual(['drop-where-conjunct', 'drop-where-conjunct']);
    expect(mutants[0]!.rewrite(UPDATE)).toBe(
      'UPDATE employee SET first_name = $3, version = version + 1 WHERE id = $1 AND (TRUE OR version = $2) RETURNING version',
    );
    expect(mutants[1]!.rewrite(UPDATE)).toBe(
      'UPDATE employee SET first_name = $3, version = version + 1 WHERE (TRUE OR id = $1) AND version = $2 RETURNING version',
    );
    // Other statements pass through untouched, whitespace and all.
    expect(mutants[0]!.rewrite('SELECT 1\n FROM t')).toBe('SELECT 1\n FROM t');
    // A condition inside parentheses is one conjunct; a lone condition is not dropped (every row would change).
    expect(statementMutants(['DELETE FROM t WHERE (a = 1 AND b = 2)'])).toEqual([]);
  });

  it('drops locking reads, weakens isolation, autocommits, and turns an upsert into a plain insert', () => {
    const sent = [
      'BEGIN ISOLATION LEVEL SERIALIZABLE',
      'SELECT * FROM account WHERE id = ? FOR UPDATE',
      'INSERT INTO e (email) VALUES (?) ON DUPLICATE KEY UPDATE version = version + 1 RETURNING uuid',
      'INSERT INTO e (email) VALUES ($1) ON CONFLICT (email) DO NOTHING',
      'COMMIT',
    ];
    const byOperator = Object.fromEntries(statementMutants(sent).map((m) => [m.operator, m]));
    expect(Object.keys(byOperator).sort()).toEqual([
      'autocommit',
      'drop-locking-read',
      'plain-insert',
      'weaker-isolation',
    ]);
    expect(byOperator['drop-locking-read']!.rewrite(sent[1]!)).toBe('SELECT * FROM account WHERE id = ?');
    expect(byOperator['weaker-isolation']!.rewrite(sent[0]!)).toBe('BEGIN ISOLATION LEVEL READ COMMITTED');
    expect(byOperator.autocommit!.rewrite('COMMIT')).toBe('SELECT 1');
    expect(byOperator.autocommit!.rewrite(sent[1]!)).toBe(sent[1]);
    const plain = statementMutants(sent).filter((m) => m.operator === 'plain-insert');
    expect(plain.map((m) => m.rewrite(m.description.replace(/^.*?: /, '')))).toEqual([
      'INSERT INTO e (email) VALUES ($1)',
      'INSERT INTO e (email) VALUES (?) RETURNING uuid',
    ]);
  });
});
