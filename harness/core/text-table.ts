/**
 * A plain-text table for the terminal: a header, a rule, the rows, each
 * column as wide as its widest cell. Widths count the visible text, so colour
 * codes do not skew the columns.
 */
import { stripVTControlCharacters } from 'node:util';

export function textTable(headers: string[], rows: string[][]): string {
  const visible = (s: string) => stripVTControlCharacters(s).length;
  const widths = headers.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - visible(c))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
