/**
 * Values from a target or a database (variant names, violation messages,
 * errors) reach the terminal and summary.md. A control character among them
 * could clear the screen, retitle the window or break a table row, so each
 * is shown escaped, as the HTML report and junit.xml already do.
 */

/** `text` with every control character (C0, DEL, C1: newlines and escapes too) written as `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A copy of `value` with every string in it made printable. */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableDeep) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v)])) as T;
  return value;
}
