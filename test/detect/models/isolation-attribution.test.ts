import { describe, expect, it } from 'vitest';
import { attributeIsolation } from '../../../src/detect/models/isolation-attribution.js';
import { fitIsolationForest } from '../../../src/detect/models/isolation-forest.js';
import { Rng } from '../../../src/util/random.js';

const rng = Rng.fromSeed(21);
const rows = Float64Array.from({ length: 3000 * 4 }, () => rng.normal());
const forest = fitIsolationForest(rows, 3000, 4, { seed: 2, features: ['km', 'hour', 'fails', 'devices'] });

describe('attributeIsolation', () => {
  it('names the one feature that makes a row stand out, and on which side', () => {
    const high = attributeIsolation(forest, [0, 0, 9, 0]);
    expect(high[0]).toMatchObject({ feature: 'fails', index: 2, direction: 'high' });
    expect(high[0]?.weight).toBeGreaterThan(0.5);

    const low = attributeIsolation(forest, [-8, 0.2, 0, 0]);
    expect(low[0]).toMatchObject({ feature: 'km', direction: 'low' });
  });

  it('ranks two unusual features above the ordinary ones', () => {
    const top = attributeIsolation(forest, [0, 6, 0, -6], { top: 2 });
    expect(top.map((a) => a.feature).sort()).toEqual(['devices', 'hour']);
  });

  it('returns at most `top` shares, largest first, adding up to at most 1', () => {
    const all = attributeIsolation(forest, [3, -3, 3, -3], { top: 10 });
    expect(all.length).toBeLessThanOrEqual(4);
    const sum = all.reduce((s, a) => s + a.weight, 0);
    expect(sum).toBeCloseTo(1, 9);
    for (let i = 1; i < all.length; i++)
      expect(all[i]?.weight).toBeLessThanOrEqual(all[i - 1]?.weight as number);
    expect(attributeIsolation(forest, [3, -3, 3, -3], { top: 1 })).toHaveLength(1);
  });

  it('reads a row inside a matrix at an offset like the same row on its own', () => {
    const matrix = Float64Array.from([1, 1, 1, 1, 0, 7, 0, 0]);
    expect(attributeIsolation(forest, matrix, { offset: 4 })).toEqual(
      attributeIsolation(forest, [0, 7, 0, 0]),
    );
  });
});
