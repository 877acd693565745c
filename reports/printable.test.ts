import { expect, it } from 'vitest';
import { toMarkdown } from './markdown.ts';
import { printable } from './printable.ts';
import { chooseStyle, formatScenario, formatSummary } from './terminal.ts';
import { fakeRun, fakeSuite } from './testing/fake-results.ts';

const CLEAR_SCREEN = '\u001b[2J';
const WINDOW_TITLE = '\u001b]0;owned\u0007';

it('writes every control character escaped', () => {
  expect(printable(`a${CLEAR_SCREEN}b\nc\u009bd`)).toBe('a\\u001b[2Jb\\u000ac\\u009bd');
  expect(printable('plain text, ünïcode')).toBe('plain text, ünïcode');
});

it('keeps escape sequences and newlines from a target out of the terminal and summary.md', () => {
  const hostile = fakeRun({
    variant: `evil${CLEAR_SCREEN}\nvariant`,
    broken: true,
    violations: 1,
    error: `boom${WINDOW_TITLE}`,
  });
  hostile.checks[0]!.violations[0]!.message = `lost${CLEAR_SCREEN}update`;
  for (const style of [
    chooseStyle({ isTTY: true } as never, {}),
    chooseStyle({ isTTY: false } as never, {}),
  ]) {
    const text = formatScenario([hostile], style) + formatSummary([hostile], style);
    expect(text).not.toContain(CLEAR_SCREEN);
    expect(text).not.toContain('\u0007');
    expect(text).toContain('evil\\u001b[2J\\u000avariant');
  }
  const markdown = toMarkdown(fakeSuite([hostile]));
  expect([...markdown].filter((c) => c !== '\n' && (c < ' ' || c === '\u007f'))).toEqual([]);
  // The variant's newline does not break its table row: one line, from its first cell to its last.
  const row = markdown.split('\n').find((line) => line.includes('evil'))!;
  expect(row).toMatch(/^\|.*evil.*u001b\[2J.*variant.*\|$/);
});

it('warns of every fault window that reached nothing, on a line of its own', () => {
  const window = {
    fault: 'kill-connection',
    startedAt: 1200,
    counts: { ok: 1, fail: 0, info: 0 },
    violations: 0,
  };
  const run = fakeRun({
    faultWindows: [
      { ...window, reachedNothing: 'no sessions on database d to end' },
      { ...window, startedAt: 2000 },
    ],
  });
  const lines = formatScenario([run], chooseStyle({ isTTY: false } as NodeJS.WriteStream, {})).split('\n');
  expect(lines.filter((line) => line.includes('warning:'))).toEqual([
    '  warning: correct: fault kill-connection at 1200 ms reached nothing: no sessions on database d to end',
  ]);
});

it('keeps them out of the live progress line and the gate lines too', async () => {
  const { formatProgress } = await import('./progress.ts');
  const { formatGate } = await import('./gate.ts');
  const line = formatProgress(
    {
      scenario: `s${WINDOW_TITLE}`,
      variant: `v\n${CLEAR_SCREEN}`,
      elapsedMs: 1000,
      totalMs: 2000,
      operations: 10,
      activeFaults: [`pause${CLEAR_SCREEN}`],
    } as never,
    { index: 0, total: 1, violationsSoFar: 0 },
  );
  const gate = formatGate(
    [{ run: `s / v${CLEAR_SCREEN}`, kind: 'missing', message: `gone\n${WINDOW_TITLE}` }],
    1,
  );
  for (const text of [line, gate]) {
    expect(text).not.toContain(CLEAR_SCREEN);
    expect(text).not.toContain('\u0007');
  }
  expect(line).not.toContain('\n');
  expect(line).toContain('v\\u000a\\u001b[2J');
  expect(gate.split('\n')).toHaveLength(2);
});
