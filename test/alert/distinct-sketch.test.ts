import { describe, expect, it } from 'vitest';
import { addToSketch, EMPTY_SKETCH, estimateDistinct } from '../../src/alert/distinct-sketch.js';

function sketchOf(values: Iterable<string>): string {
  let sketch: string | undefined;
  for (const v of values) sketch = addToSketch(sketch, v);
  return sketch ?? EMPTY_SKETCH;
}

function* range(n: number, prefix = 'user-'): Generator<string> {
  for (let i = 0; i < n; i++) yield `${prefix}${i}@example.com`;
}

describe('distinct sketch', () => {
  it('is empty at first and ignores values already added', () => {
    expect(estimateDistinct(undefined)).toBe(0);
    expect(estimateDistinct(EMPTY_SKETCH)).toBe(0);
    const one = addToSketch(undefined, 'a');
    expect(estimateDistinct(one)).toBe(1);
    expect(addToSketch(one, 'a')).toBe(one);
    expect(one).toHaveLength(256);
  });

  it('counts small sets almost exactly', () => {
    for (const n of [5, 20, 60]) {
      const estimate = estimateDistinct(sketchOf(range(n)));
      expect(Math.abs(estimate - n)).toBeLessThanOrEqual(Math.max(1, Math.ceil(n * 0.1)));
    }
  });

  it('estimates large sets within three standard errors (3 × 6.5%), repeats or not', () => {
    for (const n of [1_000, 20_000, 200_000]) {
      const estimate = estimateDistinct(sketchOf(range(n, `n${n}-`)));
      expect(Math.abs(estimate - n) / n).toBeLessThan(0.195);
    }
    const twice = sketchOf([...range(3_000), ...range(3_000)]);
    expect(twice).toBe(sketchOf(range(3_000)));
  });

  it('reads a damaged or foreign sketch as empty rather than guessing', () => {
    expect(estimateDistinct('zz')).toBe(0);
    expect(estimateDistinct(addToSketch('not a sketch', 'a'))).toBe(1);
  });
});
