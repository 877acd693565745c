/**
 * docs/checkers.md shows examples/checkers.example.ts verbatim (the checkers'
 * tests judge histories with its checkers), and documents every general
 * checker the public API exports, each used in that example.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = 'examples/checkers.example.ts';
const GENERAL_CHECKERS = ['noLostUpdate', 'uniqueBy', 'acknowledgedWritesSurvive', 'noDanglingReferences'];

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

it('docs/checkers.md includes the example file as it is', () => {
  const included = read('docs/checkers.md').match(/<!-- include: (\S+) -->\n```ts\n([\s\S]*?)```/);
  expect(included?.[1]).toBe(EXAMPLE);
  expect(included?.[2]).toBe(read(EXAMPLE));
});

it('each general checker is exported, has a section in docs/checkers.md and is used in the example', async () => {
  const api: Record<string, unknown> = await import('../index.ts');
  const docs = read('docs/checkers.md');
  const example = read(EXAMPLE);
  for (const checker of GENERAL_CHECKERS) {
    expect(typeof api[checker], checker).toBe('function');
    expect(docs, checker).toContain(`\n## ${checker}\n`);
    expect(example, checker).toContain(`= ${checker}(`);
  }
});
