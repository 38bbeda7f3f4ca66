import { assertMatrixShape, type FeatureMatrix } from './feature-matrix.js';

/** The JSON form of a {@link Standardizer}: one mean and one scale per feature. */
export interface StandardizerJSON {
  means: number[];
  scales: number[];
}

/**
 * Per-feature standardisation, `(x - mean) / scale`, fitted on the training rows. A neural
 * network trains badly when one feature is in milliseconds and the next is a 0/1 flag, and the
 * reconstruction error would be dominated by the feature with the largest units.
 *
 * A feature that was constant in training gets scale 1, not 0: any later deviation then counts
 * in its own units instead of dividing by zero.
 *
 * @example
 * const s = Standardizer.fit(matrix);
 * const z = new Float64Array(matrix.cols);
 * s.transformInto(row, z); // z[c] = (row[c] - mean[c]) / scale[c]
 */
export class Standardizer {
  readonly means: Float64Array;
  readonly scales: Float64Array;

  private constructor(means: Float64Array, scales: Float64Array) {
    this.means = means;
    this.scales = scales;
  }

  get size(): number {
    return this.means.length;
  }

  /**
   * Mean and population standard deviation of every column (two passes in float64).
   * @throws when a value is not finite, naming its row and feature: a NaN in training would
   * silently poison every weight.
   */
  static fit(matrix: FeatureMatrix, featureNames?: readonly string[]): Standardizer {
    assertMatrixShape(matrix);
    const { rows, cols, data } = matrix;
    const means = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const v = data[base + c] as number;
        if (!Number.isFinite(v)) {
          throw new Error(
            `feature ${featureNames?.[c] ?? `#${c}`} is ${v} in row ${r}; values must be finite`,
          );
        }
        means[c] = (means[c] as number) + v;
      }
    }
    for (let c = 0; c < cols; c++) means[c] = (means[c] as number) / rows;
    const scales = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const d = (data[base + c] as number) - (means[c] as number);
        scales[c] = (scales[c] as number) + d * d;
      }
    }
    for (let c = 0; c < cols; c++) {
      const sd = Math.sqrt((scales[c] as number) / rows);
      scales[c] = sd > 1e-12 ? sd : 1;
    }
    return new Standardizer(means, scales);
  }

  /** @throws when the JSON is not a standardizer (lengths differ, a scale is not positive…). */
  static fromJSON(json: unknown): Standardizer {
    const j = json as Partial<StandardizerJSON> | null;
    const ok =
      j !== null &&
      typeof j === 'object' &&
      Array.isArray(j.means) &&
      Array.isArray(j.scales) &&
      j.means.length > 0 &&
      j.means.length === j.scales.length &&
      j.means.every((m) => typeof m === 'number' && Number.isFinite(m)) &&
      j.scales.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0);
    if (!ok)
      throw new Error('standardizer: expected {means, scales}, equal non-empty lengths, finite, scales > 0');
    return new Standardizer(Float64Array.from(j.means as number[]), Float64Array.from(j.scales as number[]));
  }

  /** Standardises one row into `out` starting at `offset`; allocates nothing. */
  transformInto(row: ArrayLike<number>, out: Float32Array | Float64Array, offset = 0): void {
    const n = this.means.length;
    for (let c = 0; c < n; c++) {
      out[offset + c] = ((row[c] as number) - (this.means[c] as number)) / (this.scales[c] as number);
    }
  }

  toJSON(): StandardizerJSON {
    return { means: Array.from(this.means), scales: Array.from(this.scales) };
  }
}
