import { describe, expect, it } from 'vitest';
import {
  averagePathLength,
  fitIsolationForest,
  type IsolationForest,
  type IsolationForestFile,
  loadIsolationForest,
} from '../../../src/detect/models/isolation-forest.js';
import { ModelFileError } from '../../../src/detect/models/model-file.js';
import { Rng } from '../../../src/util/random.js';

/** `n` rows of `cols` standard normal values, row-major. */
function normalRows(n: number, cols: number, seed: number): Float64Array {
  const rng = Rng.fromSeed(seed);
  return Float64Array.from({ length: n * cols }, () => rng.normal());
}

const FEATURES = ['km', 'hour', 'fails'];
const data = normalRows(2000, 3, 5);
const forest = fitIsolationForest(data, 2000, 3, { seed: 11, features: FEATURES });

/** The saved form after a trip through JSON text, as a file on disk would give it back. */
function saved(): IsolationForestFile {
  return JSON.parse(JSON.stringify(forest.toJSON())) as IsolationForestFile;
}

function loadError(json: unknown, expectedFeatures?: string[]): ModelFileError {
  try {
    loadIsolationForest(json, { expectedFeatures });
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error('loadIsolationForest accepted a bad file');
}

describe('averagePathLength', () => {
  it('is c(n) = 2H(n−1) − 2(n−1)/n, with c(1) = 0 and c(2) = 1', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // By hand: 2 (ln 2 + 0.5772156649) − 4/3 and 2 (ln 255 + 0.5772156649) − 510/256.
    expect(averagePathLength(3)).toBeCloseTo(1.2073923576, 9);
    expect(averagePathLength(256)).toBeCloseTo(10.2447709201, 9);
  });
});

describe('fitIsolationForest', () => {
  it('uses scikit-learn defaults: 100 trees, 256 rows per tree, depth ceil(log2 256)', () => {
    expect(forest.trees).toBe(100);
    expect(forest.settings).toEqual({ trees: 100, sampleSize: 256, seed: 11, maxDepth: 8 });
    expect(forest.normaliser).toBe(averagePathLength(256));
    for (let t = 0; t < forest.trees; t++) expect(forest.size[forest.roots[t] as number]).toBe(256);
  });

  it('caps the sample at the number of rows', () => {
    const small = fitIsolationForest(normalRows(50, 2, 1), 50, 2, { trees: 5 });
    expect(small.settings.sampleSize).toBe(50);
    expect(small.settings.maxDepth).toBe(6);
    expect(small.features).toEqual(['f0', 'f1']);
  });

  it('gives the same model bytes for the same seed and rows, and another model for another seed', () => {
    const again = fitIsolationForest(data, 2000, 3, { seed: 11, features: FEATURES });
    const other = fitIsolationForest(data, 2000, 3, { seed: 12, features: FEATURES });
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(forest.toJSON()));
    expect(JSON.stringify(other.toJSON())).not.toBe(JSON.stringify(forest.toJSON()));
    expect(other.score(data, 0)).not.toBe(forest.score(data, 0));
  });

  it('reads float32 rows like the same values in float64', () => {
    const halves = Float64Array.from(data, (x) => Math.round(x * 2) / 2);
    const a = fitIsolationForest(halves, 2000, 3, { trees: 20 });
    const b = fitIsolationForest(Float32Array.from(halves), 2000, 3, { trees: 20 });
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
  });

  it('scores outliers above inliers on a clear 2-D case', () => {
    const rows = normalRows(1000, 2, 3);
    const model = fitIsolationForest(rows, 1000, 2, { seed: 4 });
    const inliers = Array.from({ length: 1000 }, (_, r) => model.score(rows, r * 2)).sort((a, b) => a - b);
    const p99 = inliers[989] as number;
    for (const outlier of [
      [6, 6],
      [-7, 0],
      [0, 8],
      [5, -5],
    ]) {
      expect(model.score(outlier)).toBeGreaterThan(Math.max(p99, 0.6));
    }
    expect(model.score([0, 0])).toBeLessThan(0.5);
    expect(inliers[500]).toBeLessThan(0.5);
  });

  it('keeps every score inside (0, 1), far outside the training range too', () => {
    const extremes = [
      [0, 0, 0],
      [1e12, -1e12, 0],
      [-1e300, 1e300, 1e300],
      [Number.MAX_VALUE, 0, -5],
    ];
    for (const row of extremes) {
      const s = forest.score(row);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(1);
    }
    for (let r = 0; r < 2000; r += 7) {
      const s = forest.score(data, r * 3);
      expect(s > 0 && s < 1).toBe(true);
    }
  });

  it('scores as the trees say: 2^(−mean path / c(ψ)) over the per-tree path lengths', () => {
    const check = (model: IsolationForest, row: ArrayLike<number>, offset = 0): void => {
      const paths = model.pathLengths(row, offset);
      const mean = paths.reduce((a, b) => a + b, 0) / paths.length;
      expect(model.meanPathLength(row, offset)).toBeCloseTo(mean, 12);
      expect(model.score(row, offset)).toBeCloseTo(2 ** (-mean / model.normaliser), 12);
      for (const h of paths) expect(h).toBeGreaterThanOrEqual(1);
    };
    for (let r = 0; r < 2000; r += 10) check(forest, data, r * 3);
    check(forest, [9, -9, 1e9]);
    check(forest, [Number.NaN, 0, Number.POSITIVE_INFINITY]);
    // Small shapes: a part-filled group of eight trees, shallow trees, one column.
    const tiny = fitIsolationForest(normalRows(300, 1, 6), 300, 1, { trees: 3, sampleSize: 4 });
    for (const row of [[0], [3], [-0.2], [Number.NaN]]) check(tiny, row);
    // Trees too deep to compile (a sample of 5,000 gives depth 13) are scored by walking them as stored.
    const deep = fitIsolationForest(normalRows(6000, 2, 8), 6000, 2, { trees: 9, sampleSize: 5000 });
    expect(deep.settings.maxDepth).toBe(13);
    for (const row of [
      [0, 0],
      [4, -4],
      [Number.NaN, 1],
    ])
      check(deep, row);
  });

  it('never splits on a column that is constant', () => {
    const rows = normalRows(500, 3, 9);
    for (let r = 0; r < 500; r++) rows[r * 3 + 1] = 42;
    const model = fitIsolationForest(rows, 500, 3, { trees: 30 });
    expect(model.feature.includes(1)).toBe(false);
    expect(model.feature.includes(0) && model.feature.includes(2)).toBe(true);
  });

  it('builds tree t the same whatever the number of trees', () => {
    const ten = fitIsolationForest(data, 2000, 3, { trees: 10, seed: 3 });
    const twenty = fitIsolationForest(data, 2000, 3, { trees: 20, seed: 3 });
    const end = ten.roots[10] as number;
    expect(twenty.roots.slice(0, 11)).toEqual(ten.roots);
    expect(twenty.value.slice(0, end)).toEqual(ten.value);
  });

  it('refuses training values it cannot split, naming the row and column', () => {
    const rows = normalRows(10, 3, 1);
    rows[7] = Number.NaN;
    expect(() => fitIsolationForest(rows, 10, 3, { features: FEATURES })).toThrow(
      /row 2, column 'hour' is NaN/,
    );
    expect(() => fitIsolationForest(data, 2000, 3, { features: ['a', 'b'] })).toThrow(
      /2 feature names for 3/,
    );
    expect(() => fitIsolationForest(data, 2000, 3, { features: ['a', 'b', 'a'] })).toThrow(
      /'a' is named twice/,
    );
    expect(() => fitIsolationForest(data, 3000, 3)).toThrow(/holds 6000 values/);
    expect(() => fitIsolationForest(data, 1, 3)).toThrow(/at least 2/);
  });
});

describe('loadIsolationForest', () => {
  it('round-trips through JSON text with identical scores', () => {
    const loaded = loadIsolationForest(JSON.stringify(forest.toJSON()), { expectedFeatures: FEATURES });
    expect(loaded.features).toEqual(FEATURES);
    expect(loaded.settings).toEqual(forest.settings);
    expect(loaded.trainedRows).toBe(2000);
    for (let r = 0; r < 2000; r++) expect(loaded.score(data, r * 3)).toBe(forest.score(data, r * 3));
    expect(loaded.score([9, -9, 9])).toBe(forest.score([9, -9, 9]));
    expect(JSON.stringify(loaded.toJSON())).toBe(JSON.stringify(forest.toJSON()));
  });

  it('rejects another kind of model', () => {
    const error = loadError({ ...saved(), tag: 'loginguard.autoencoder' });
    expect(error.field).toBe('tag');
    expect(error.message).toMatch(/expected 'loginguard.isolation-forest', got 'loginguard.autoencoder'/);
    expect(loadError([1, 2]).message).toMatch(/expected a loginguard.isolation-forest object, got a list/);
    expect(loadError('{"tag":').message).toMatch(/not valid JSON/);
  });

  it('rejects a version it cannot read', () => {
    const error = loadError({ ...saved(), version: 2 });
    expect(error.field).toBe('version');
    expect(error.message).toMatch(/version 2 cannot be read; this build reads version 1/);
  });

  it('rejects missing and truncated arrays, naming the array', () => {
    const file = saved();
    const truncated = {
      ...file,
      arrays: { ...file.arrays, threshold: file.arrays.threshold.slice(0, 4000) },
    };
    const error = loadError(truncated);
    expect(error.field).toBe('arrays.threshold');
    expect(error.message).toMatch(/holds 375 Float64Array values, expected \d+ \(truncated\?\)/);

    const { right: _, ...withoutRight } = file.arrays;
    expect(loadError({ ...file, arrays: withoutRight }).message).toMatch(/arrays.right: missing/);
    expect(loadError({ ...file, arrays: { ...file.arrays, size: 'not base64!' } }).field).toBe('arrays.size');
    expect(loadError({ ...file, nodes: file.nodes + 1 }).message).toMatch(
      new RegExp(`arrays.feature: holds ${file.nodes} Int16Array values, expected ${file.nodes + 1}`),
    );
    expect(loadError({ ...file, options: { ...file.options, trees: 0 } }).message).toMatch(/options.trees/);
  });

  it('rejects arrays that do not form the trees (a pointer that loops back)', () => {
    const file = saved();
    const right = new Int32Array(Buffer.from(file.arrays.right, 'base64').buffer.slice(0));
    const internal = right.findIndex((r) => r > 0);
    right[internal] = internal;
    const error = loadError({
      ...file,
      arrays: { ...file.arrays, right: Buffer.from(right.buffer).toString('base64') },
    });
    expect(error.field).toBe('arrays.right');
    expect(error.message).toMatch(new RegExp(`node ${internal} \\(tree 0\\) points to ${internal}`));
  });

  it('rejects a model trained on other features, saying where they differ', () => {
    const error = loadError(saved(), ['km', 'fails', 'hour']);
    expect(error.field).toBe('features');
    expect(error.message).toMatch(/position 1: model has 'hour', caller expects 'fails'/);
    expect(loadError(saved(), ['km', 'hour']).message).toMatch(/3 features and the caller has 2/);
  });
});
