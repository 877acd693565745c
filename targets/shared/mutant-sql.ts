/**
 * Broken variants built from the correct variant's SQL by cutting a piece
 * out of it. The cut must match exactly once: if the SQL is reformatted and
 * the piece no longer matches, the mutant would silently equal `correct`, so
 * this throws at load time instead.
 */
export function withoutClause(sql: string, clause: string, mutant: string): string {
  const first = sql.indexOf(clause);
  if (first < 0 || sql.indexOf(clause, first + 1) >= 0)
    throw new Error(
      `mutant ${mutant}: the clause to remove must appear exactly once in the SQL, ${first < 0 ? 'it does not appear' : 'it appears more than once'}: ${JSON.stringify(clause)}`,
    );
  return sql.slice(0, first) + sql.slice(first + clause.length);
}
