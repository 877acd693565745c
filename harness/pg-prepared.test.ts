/** Reading the row count from a command tag's bytes, as the server sends it (NUL-terminated). */
import { describe, expect, it } from 'vitest';
import { commandTagCount } from './pg-prepared.ts';

/** The tag inside a buffer with other bytes around it, as it sits in a read. */
function countOf(tag: string): number {
  const data = Buffer.from(`xx${tag}\0yy`);
  return commandTagCount(data, 2, 2 + Buffer.byteLength(tag));
}

describe('commandTagCount', () => {
  it('reads the last word of tags that carry a count', () => {
    expect(countOf('UPDATE 1')).toBe(1);
    expect(countOf('UPDATE 0')).toBe(0);
    expect(countOf('INSERT 0 3')).toBe(3);
    expect(countOf('SELECT 20000')).toBe(20_000);
    expect(countOf('DELETE 1234567')).toBe(1_234_567);
  });

  it('is 0 for tags without a count, digits that are not a word of their own included', () => {
    expect(countOf('BEGIN')).toBe(0);
    expect(countOf('CREATE TABLE')).toBe(0);
    expect(countOf('V2')).toBe(0);
    expect(countOf('')).toBe(0);
  });

  it('reads only between start and end, whatever the bytes around', () => {
    const data = Buffer.from('9 42 7\0');
    expect(commandTagCount(data, 2, 4)).toBe(0); // "42": digits from the start are not a word after a space
    expect(commandTagCount(data, 0, 4)).toBe(42); // "9 42"
    expect(commandTagCount(data, 0, 1)).toBe(0); // "9"
    expect(commandTagCount(data, 3, 3)).toBe(0); // empty
  });
});
