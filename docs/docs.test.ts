/**
 * The docs stay true to the code: every snippet marked
 * `<!-- include: PATH -->` is exactly the file at PATH, and every relative
 * link points at a file that exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

function includes(markdown: string): { path: string; snippet: string }[] {
  const found = markdown.matchAll(/<!-- include: (\S+) -->\n```\w*\n([\s\S]*?)```/g);
  return [...found].map((match) => ({ path: match[1]!, snippet: match[2]! }));
}

describe('docs', () => {
  it('include at least the writing-a-target example, and each included snippet is the file itself', () => {
    const all = pages.flatMap((page) => includes(readFileSync(join(ROOT, page), 'utf8')));
    expect(all.map((i) => i.path)).toContain('examples/account-deposits.target.ts');
    for (const { path, snippet } of all) expect(snippet, path).toBe(readFileSync(join(ROOT, path), 'utf8'));
  });

  it('relative links point at files that exist', () => {
    const missing = pages.flatMap((page) => {
      const links = readFileSync(join(ROOT, page), 'utf8').matchAll(/\]\(((?!https?:|#|mailto:)[^)#\s]+)/g);
      return [...links]
        .map((m) => join(dirname(page), m[1]!))
        .filter((path) => !existsSync(join(ROOT, path)));
    });
    expect(missing).toEqual([]);
  });

  it('README stays short', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });
});
