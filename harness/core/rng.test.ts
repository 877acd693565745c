import { describe, expect, it } from 'vitest';
import { deriveSeed, Random } from './rng.ts';

describe('Random', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 20 },
        (
          (r) => () =>
            r.int(1000)
        )(new Random(seed)),
      );
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('forks independent streams by name', () => {
    const root = new Random(7);
    const a = Array.from(
      { length: 10 },
      (
        (r) => () =>
          r.next()
      )(root.fork('worker', 0)),
    );
    const b = Array.from(
      { length: 10 },
      (
        (r) => () =>
          r.next()
      )(new Random(7).fork('worker', 1)),
    );
    expect(a).not.toEqual(b);
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
  });

  it('draws integers in range and version-4 uuids', () => {
    const r = new Random(1);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(5);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(5);
    }
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('draws uuids that are reproducible from the seed and do not repeat', () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 2000 }, () => r.uuid());
    };
    const uuids = draw(7);
    expect(draw(7)).toEqual(uuids);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(draw(8)[0]).not.toBe(uuids[0]);
    for (const uuid of uuids)
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
