import type { IsolationForest } from './isolation-forest.js';

/** One feature's part in isolating a row, from {@link attributeIsolation}. */
export interface FeatureAttribution {
  /** The feature's name, as the forest was trained with. */
  feature: string;
  /** Its column. */
  index: number;
  /** Its share of the credit, in (0, 1]; the shares of all credited features add up to 1. */
  weight: number;
  /**
   * Which side of the splits the row fell on, credit-weighted: `high` when it was mostly above
   * the thresholds on this feature (an unusually large value), `low` when below.
   */
  direction: 'high' | 'low';
}

/** Options of {@link attributeIsolation}. */
export interface AttributionOptions {
  /** Where the row starts in `row` (for a row inside a matrix). Default 0. */
  offset?: number;
  /** How many features to return at most. Default 3. */
  top?: number;
}

/**
 * Which features isolate a row: the raw material of an explanation ("unusual mostly because of
 * `km_per_hour`, high"). For every tree where the row's path is shorter than average (h < c(ψ)),
 * the tree's credit is how much shorter, 1 − h / c(ψ); it is shared among the splits on the
 * path in proportion to what each split did to isolate the row, log2(rows in the node / rows in
 * the child the row went to), so a split that cut the row off from most of the sample counts
 * and one that left it with nearly everyone counts for almost nothing. Credits are summed per
 * feature over the trees and normalised to shares that add up to 1.
 *
 * An empty list means no tree isolated the row faster than average: nothing stands out.
 * Shares say what isolated the row, not how unusual it is: read that from the score.
 *
 * @example
 * attributeIsolation(forest, row); // [{ feature: 'km_per_hour', index: 4, weight: 0.71, direction: 'high' }, …]
 */
export function attributeIsolation(
  forest: IsolationForest,
  row: ArrayLike<number>,
  options: AttributionOptions = {},
): FeatureAttribution[] {
  const offset = options.offset ?? 0;
  const top = options.top ?? 3;
  const { roots, feature, value, right, size, normaliser } = forest;
  const nCols = forest.features.length;
  const credit = new Float64Array(nCols);
  const signed = new Float64Array(nCols);
  const path = new Int32Array(forest.settings.maxDepth + 1);

  for (let t = 0; t < forest.trees; t++) {
    let node = roots[t] as number;
    let depth = 0;
    path[0] = node;
    while ((feature[node] as number) >= 0) {
      const f = feature[node] as number;
      node = (row[offset + f] as number) > (value[node] as number) ? (right[node] as number) : node + 1;
      path[++depth] = node;
    }
    const shortness = 1 - (value[node] as number) / normaliser;
    const isolation = Math.log2((size[path[0] as number] as number) / (size[node] as number));
    if (shortness <= 0 || depth === 0 || isolation <= 0) continue;
    for (let d = 0; d < depth; d++) {
      const parent = path[d] as number;
      const child = path[d + 1] as number;
      const f = feature[parent] as number;
      const part = (shortness * Math.log2((size[parent] as number) / (size[child] as number))) / isolation;
      credit[f] = (credit[f] as number) + part;
      signed[f] = (signed[f] as number) + (child === parent + 1 ? -part : part);
    }
  }

  let total = 0;
  for (let f = 0; f < nCols; f++) total += credit[f] as number;
  if (total <= 0) return [];
  const out: FeatureAttribution[] = [];
  for (let f = 0; f < nCols; f++) {
    const c = credit[f] as number;
    if (c <= 0) continue;
    out.push({
      feature: forest.features[f] as string,
      index: f,
      weight: c / total,
      direction: (signed[f] as number) > 0 ? 'high' : 'low',
    });
  }
  out.sort((a, b) => b.weight - a.weight || a.index - b.index);
  return out.slice(0, top);
}
