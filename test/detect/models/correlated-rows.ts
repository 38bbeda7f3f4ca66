import type { FeatureMatrix } from '../../../src/detect/models/feature-matrix.js';
import { Rng } from '../../../src/util/random.js';

/** A labelled synthetic data set for the anomaly models. */
export interface LabelledRows {
  matrix: FeatureMatrix;
  names: string[];
  /** 1 for a row whose correlations were broken, 0 for a normal row. */
  labels: Uint8Array;
}

/**
 * Rows whose features are driven by a few hidden factors (so they are correlated), with an
 * offset and a scale per feature (so standardising matters) and one non-linear feature. A share
 * of rows are anomalies: half of their features come from another, independent draw of the
 * factors. Each feature on its own then looks perfectly normal (same marginal distribution);
 * only the relations between features are broken, which is what an autoencoder should notice
 * and a per-feature threshold cannot.
 *
 * The loadings depend on `structureSeed` only, so two calls with different `seed`s draw fresh
 * rows from the same population (a training set and a test set).
 */
export function correlatedRows(
  count: number,
  options: { seed: number; anomalyRate: number; features?: number; structureSeed?: number },
): LabelledRows {
  const cols = options.features ?? 12;
  const factors = 3;
  const structure = Rng.fromSeed(options.structureSeed ?? 1000);
  const loadings = Array.from({ length: cols }, () =>
    Array.from({ length: factors }, () => structure.gaussian(0, 1)),
  );
  const offsets = Array.from({ length: cols }, () => structure.between(-50, 50));
  const scales = Array.from({ length: cols }, () => 10 ** structure.between(-2, 3));
  const rng = Rng.fromSeed(options.seed);
  const data = new Float64Array(count * cols);
  const labels = new Uint8Array(count);
  const draw = (): number[] => {
    const f = Array.from({ length: factors }, () => rng.normal());
    return loadings.map((a, c) => {
      const signal = a.reduce((sum, w, k) => sum + w * (f[k] as number), 0);
      const value = c === cols - 1 ? signal * Math.abs(signal) * 0.3 : signal;
      return value + 0.15 * rng.normal();
    });
  };
  for (let r = 0; r < count; r++) {
    const row = draw();
    if (rng.chance(options.anomalyRate)) {
      labels[r] = 1;
      const other = draw();
      for (const c of rng.sample([...row.keys()], Math.floor(cols / 2))) row[c] = other[c] as number;
    }
    row.forEach((v, c) => {
      data[r * cols + c] = (offsets[c] as number) + (scales[c] as number) * v;
    });
  }
  return {
    matrix: { rows: count, cols, data },
    names: Array.from({ length: cols }, (_, c) => `f${c}`),
    labels,
  };
}

/** Area under the ROC curve of `scores` for `labels` (1 = positive): the chance a random positive outscores a random negative. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let rankSumPositives = 0;
  let positives = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k] as number] === 1) {
        rankSumPositives += averageRank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = scores.length - positives;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
