import { describe, expect, it } from 'vitest';
import { formatDetection, seedList } from '../../reports/terminal.ts';
import { detectionMatrix, seedRange } from './detection.ts';
import type { RunResult } from './results.ts';

/** The fields the matrix reads; the rest of a run does not matter to it. */
const run = (variant: string, seed: number, verdict: RunResult['verdict'], detectedAtMs?: number) =>
  ({
    scenario: 's',
    target: 't',
    variant,
    broken: variant !== 'correct',
    seed,
    verdict,
    ...(detectedAtMs === undefined ? {} : { detectedAtMs }),
  }) as RunResult;

const plain = { bold: (s: string) => s, red: (s: string) => s, green: (s: string) => s } as Parameters<
  typeof formatDetection
>[1];

describe('detection matrix', () => {
  it('per variant: the seeds that caught a broken one, with time to first proof, and a correct one`s false alarms', () => {
    const rows = detectionMatrix([
      run('correct', 1, 'valid'),
      run('mutant', 1, 'invalid', 30),
      run('correct', 2, 'unknown'),
      run('mutant', 2, 'valid'),
      run('correct', 3, 'valid'),
      run('mutant', 3, 'invalid', 10),
      run('mutant', 4, 'invalid', 500),
    ]);
    expect(rows).toEqual([
      {
        scenario: 's',
        target: 't',
        variant: 'correct',
        broken: false,
        seeds: [1, 2, 3],
        caught: [],
        missed: [],
        falseAlarms: [2],
      },
      {
        scenario: 's',
        target: 't',
        variant: 'mutant',
        broken: true,
        seeds: [1, 2, 3, 4],
        caught: [1, 3, 4],
        missed: [2],
        falseAlarms: [],
        firstProofMs: { median: 30, p90: 500, max: 500 },
      },
    ]);
    const text = formatDetection(rows, plain);
    expect(text).toMatch(/correct\s+correct\s+held 2\/3, false alarm on 2/);
    expect(text).toMatch(/mutant\s+broken\s+caught 3\/4, missed on 2\s+30.00 \/ 500 \/ 500/);
  });

  it('reads --seeds as 1 to N or A to B, and refuses anything else', () => {
    expect(seedRange('3')).toEqual([1, 2, 3]);
    expect(seedRange('7-9')).toEqual([7, 8, 9]);
    expect(seedRange('9-7')).toBeUndefined();
    expect(seedRange('0')).toBeUndefined();
    expect(seedRange('1,2')).toBeUndefined();
    expect(seedList([1, 2, 3, 5, 7, 8])).toBe('1-3, 5, 7-8');
  });
});
