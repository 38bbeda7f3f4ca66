import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../../../src/detect/models/feature-matrix.js';
import { Standardizer } from '../../../src/detect/models/standardizer.js';

describe('Standardizer', () => {
  const matrix = matrixFromRows([
    [1, 10, 5],
    [3, 30, 5],
    [5, 20, 5],
  ]);

  it('centres and scales each feature by its mean and standard deviation', () => {
    const s = Standardizer.fit(matrix);
    expect(Array.from(s.means)).toEqual([3, 20, 5]);
    expect(s.scales[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    const z = new Float64Array(3);
    s.transformInto([3 + Math.sqrt(8 / 3), 20, 5], z);
    expect(z[0]).toBeCloseTo(1, 12);
    expect(z[1]).toBe(0);
  });

  it('scales a feature that was constant in training by 1, so a later change still counts', () => {
    const s = Standardizer.fit(matrix);
    expect(s.scales[2]).toBe(1);
    const z = new Float64Array(3);
    s.transformInto([3, 20, 7], z);
    expect(z[2]).toBe(2);
  });

  it('refuses non-finite values, naming the feature and the row', () => {
    const bad = matrixFromRows([
      [1, 2],
      [3, Number.POSITIVE_INFINITY],
    ]);
    expect(() => Standardizer.fit(bad, ['hour', 'km'])).toThrow('feature km is Infinity in row 1');
  });

  it('round-trips through JSON exactly and rejects a malformed one', () => {
    const s = Standardizer.fit(matrix);
    const back = Standardizer.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(back.toJSON()).toEqual(s.toJSON());
    expect(() => Standardizer.fromJSON({ means: [0, 1], scales: [1] })).toThrow(/equal non-empty lengths/);
    expect(() => Standardizer.fromJSON(null)).toThrow(/expected/);
  });
});
