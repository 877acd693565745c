/**
 * Mutation operators on what a SQL target sends: each turns one statement (or
 * every statement of a kind) into a weaker one, the way a hurried developer
 * might write it. The mutants are run through the interleaving scheduler's
 * gate, which rewrites the statement before it reaches the database; schema
 * mutants (a dropped constraint) are in schema.ts.
 *
 * Placeholders stay where they were: a dropped condition becomes
 * `(TRUE OR condition)`, so its parameters are still bound and typed, and
 * the statement means what it would without the condition.
 */

export interface StatementMutant {
  /** The operator, e.g. `drop-where-conjunct`. */
  operator: string;
  /** What it changes, in words: the statement and the part. */
  description: string;
  /** The rewrite: the SQL a statement is sent as (unchanged when the mutant does not touch it). */
  rewrite(sql: string): string;
}

const normalize = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The conjuncts of a WHERE clause at the top level (not inside parentheses), with their positions. */
function topLevelConjuncts(where: string): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  let depth = 0;
  let start = 0;
  const lower = where.toLowerCase();
  for (let i = 0; i < where.length; i++) {
    const c = where[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /\s/.test(c ?? '') && lower.startsWith(' and ', i)) {
      parts.push({ start, end: i });
      start = i + 5;
      i += 4;
    }
  }
  parts.push({ start, end: where.length });
  return parts;
}

/** Where a statement's WHERE clause is: from after `WHERE` to a trailing RETURNING, ORDER BY, LIMIT or FOR. */
function whereClause(sql: string): { start: number; end: number } | undefined {
  const match = /\bwhere\b/i.exec(sql);
  if (!match) return undefined;
  const start = match.index + match[0].length;
  const tail = /\b(returning|order\s+by|limit|for\s+update|for\s+share|lock\s+in\s+share\s+mode)\b/i.exec(
    sql.slice(start),
  );
  return { start, end: tail ? start + tail.index : sql.length };
}

/** One mutant per conjunct of each UPDATE's and DELETE's WHERE: the condition always holds. */
function dropWhereConjunct(statements: string[]): StatementMutant[] {
  return statements.flatMap((statement) => {
    if (!/^(update|delete)\b/i.test(statement)) return [];
    const where = whereClause(statement);
    if (!where) return [];
    const clause = statement.slice(where.start, where.end);
    const conjuncts = topLevelConjuncts(clause);
    if (conjuncts.length < 2) return []; // the only condition: dropping it updates every row
    // The last conjunct first: a version check is written after the key it guards.
    return conjuncts.reverse().map(({ start, end }) => {
      const condition = clause.slice(start, end).trim();
      return {
        operator: 'drop-where-conjunct',
        description: `${condition} always true in: ${statement}`,
        rewrite: (sql: string) => {
          if (normalize(sql) !== statement) return sql;
          const weakened = `${clause.slice(0, start)} (TRUE OR ${condition}) ${clause.slice(end)}`;
          return normalize(statement.slice(0, where.start) + weakened + statement.slice(where.end));
        },
      };
    });
  });
}

const LOCKING_READ =
  /\s+(for\s+update|for\s+no\s+key\s+update|for\s+share|for\s+key\s+share|lock\s+in\s+share\s+mode)\b/i;

/** One mutant per locking read: the lock is not taken. */
function dropLockingRead(statements: string[]): StatementMutant[] {
  return statements
    .filter((s) => LOCKING_READ.test(s))
    .map((statement) => ({
      operator: 'drop-locking-read',
      description: `${LOCKING_READ.exec(statement)![1]} dropped from: ${statement}`,
      rewrite: (sql: string) => (normalize(sql) === statement ? statement.replace(LOCKING_READ, '') : sql),
    }));
}

const ISOLATION = /\bisolation\s+level\s+(serializable|repeatable\s+read)\b/i;

/** Every transaction at read committed instead of the level it asks for. */
function weakerIsolation(statements: string[]): StatementMutant[] {
  const levels = statements.filter((s) => ISOLATION.test(s));
  if (levels.length === 0) return [];
  return [
    {
      operator: 'weaker-isolation',
      description: `read committed instead of: ${levels.join('; ')}`,
      rewrite: (sql: string) => sql.replace(ISOLATION, 'ISOLATION LEVEL READ COMMITTED'),
    },
  ];
}

const TRANSACTION_CONTROL = /^(begin|start\s+transaction|commit|rollback)\b/i;

/** Each statement on its own: BEGIN, COMMIT and ROLLBACK do nothing, so every statement commits at once. */
function autocommit(statements: string[]): StatementMutant[] {
  if (!statements.some((s) => /^(begin|start\s+transaction)\b/i.test(s))) return [];
  return [
    {
      operator: 'autocommit',
      description: 'BEGIN, COMMIT and ROLLBACK sent as SELECT 1: each statement its own transaction',
      rewrite: (sql: string) => (TRANSACTION_CONTROL.test(sql.trim()) ? 'SELECT 1' : sql),
    },
  ];
}

/** An upsert that no longer resolves the conflict: the plain INSERT (a duplicate is then an error, or a row too many). */
function plainInsert(statements: string[]): StatementMutant[] {
  const UPSERT = /\s+on\s+(duplicate\s+key\s+update|conflict)\b.*?(?=\s+returning\b|$)/i;
  return statements
    .filter((s) => /^insert\b/i.test(s) && UPSERT.test(s))
    .map((statement) => ({
      operator: 'plain-insert',
      description: `the conflict clause dropped from: ${statement}`,
      rewrite: (sql: string) => (normalize(sql) === statement ? statement.replace(UPSERT, '') : sql),
    }));
}

/** Every statement mutant of the statements a target sent (each given once, whitespace normalized). */
export function statementMutants(sent: Iterable<string>): StatementMutant[] {
  const statements = [...new Set([...sent].map(normalize))].sort();
  return [
    ...dropWhereConjunct(statements),
    ...dropLockingRead(statements),
    ...weakerIsolation(statements),
    ...autocommit(statements),
    ...plainInsert(statements),
  ];
}
