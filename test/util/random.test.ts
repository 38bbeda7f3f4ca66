import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/random.js';

describe('Rng', () => {
  it('gives the same numbers for the same seed and different ones for another seed', () => {
    const a = Rng.fromSeed(42);
    const b = Rng.fromSeed(42);
    const c = Rng.fromSeed(43);
    const xs = Array.from({ length: 20 }, () => a.float());
    expect(Array.from({ length: 20 }, () => b.float())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.float())).not.toEqual(xs);
  });

  it('forks streams that depend on the labels only, not on draws already made', () => {
    const root = Rng.fromSeed(7);
    const before = root.fork('user', 3).float();
    root.float();
    root.float();
    expect(root.fork('user', 3).float()).toBe(before);
    expect(root.fork('user', 4).float()).not.toBe(before);
  });

  it('keeps draws inside their ranges', () => {
    const rng = Rng.fromSeed(1);
    for (let i = 0; i < 5000; i++) {
      const f = rng.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      const n = rng.int(3, 9);
      expect(Number.isInteger(n) && n >= 3 && n <= 9).toBe(true);
      expect(rng.exponential(5)).toBeGreaterThanOrEqual(0);
    }
  });

  it('draws weighted choices in proportion to their weights', () => {
    const rng = Rng.fromSeed(5);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) counts[rng.weighted(['a', 'b', 'c'] as const, [1, 3, 0])]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  it('samples distinct elements', () => {
    const rng = Rng.fromSeed(9);
    const picked = rng.sample([1, 2, 3, 4, 5, 6, 7, 8], 5);
    expect(new Set(picked).size).toBe(5);
    expect(rng.sample([1, 2], 5)).toHaveLength(2);
  });

  it('has a normal distribution with the right mean and spread', () => {
    const rng = Rng.fromSeed(11);
    const xs = Array.from({ length: 20_000 }, () => rng.gaussian(10, 2));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
  });
});
