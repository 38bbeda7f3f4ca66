/** One point of a ROC curve: flag every score ≥ `threshold`. */
export interface RocPoint {
  /** The lowest score flagged at this point (`Infinity` for the first point, where nothing is). */
  threshold: number;
  /** False-positive rate: negatives flagged / negatives. */
  fpr: number;
  /** True-positive rate (recall): positives flagged / positives. */
  tpr: number;
}

/** One point of a precision–recall curve: flag every score ≥ `threshold`. */
export interface PrPoint {
  threshold: number;
  recall: number;
  /** Positives flagged / everything flagged. */
  precision: number;
}

/**
 * How well one score separates positives (attacks) from negatives (benign logins), at every
 * threshold. Curves have one point per distinct score: logins with the same score are flagged
 * together or not at all, so ties never earn partial credit that no threshold could deliver.
 *
 * @example
 * const c = detectionCurves(Float64Array.of(0.9, 0.2, 0.7), Uint8Array.of(1, 0, 0));
 * c.rocAuc;  // 1: every attack scores above every benign login
 * recallAtFpr(c.roc, 0.01); // 1
 */
export interface DetectionCurves {
  positives: number;
  negatives: number;
  /** From (0, 0) to (1, 1), thresholds decreasing. Empty when either class is. */
  roc: RocPoint[];
  /** Recall increasing; starts at the highest threshold. Empty when there is no positive. */
  pr: PrPoint[];
  /**
   * Area under the ROC curve (trapezoids, so a tie between a positive and a negative counts
   * half): the probability that a random attack scores above a random benign login. `null`
   * when either class is empty.
   */
  rocAuc: number | null;
  /**
   * Area under the PR curve as average precision, Σ (Rₖ − Rₖ₋₁) · Pₖ (scikit-learn's
   * definition: steps, no optimistic interpolation between points). `null` without positives.
   */
  prAuc: number | null;
}

/**
 * ROC and PR curves of `scores` against `positive` (1 = attack, 0 = benign), same length.
 * @throws when the lengths differ or a score is not a number (NaN has no place on a curve).
 */
export function detectionCurves(
  scores: ArrayLike<number>,
  positive: ArrayLike<number | boolean>,
): DetectionCurves {
  const n = scores.length;
  if (positive.length !== n)
    throw new Error(`detectionCurves: ${n} scores but ${positive.length} labels; they must match`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i] as number)) throw new Error(`detectionCurves: score ${i} is NaN`);
    if (positive[i]) positives++;
  }
  const negatives = n - positives;

  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));

  const roc: RocPoint[] = [];
  const pr: PrPoint[] = [];
  const bothClasses = positives > 0 && negatives > 0;
  if (bothClasses) roc.push({ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 });
  let tp = 0;
  let fp = 0;
  let rocArea = 0;
  let averagePrecision = 0;
  let lastRecall = 0;
  let i = 0;
  while (i < n) {
    const threshold = scores[order[i] as number] as number;
    const prevTp = tp;
    const prevFp = fp;
    while (i < n && scores[order[i] as number] === threshold) {
      if (positive[order[i] as number]) tp++;
      else fp++;
      i++;
    }
    if (bothClasses) {
      roc.push({ threshold, fpr: fp / negatives, tpr: tp / positives });
      rocArea += ((fp - prevFp) * (tp + prevTp)) / 2;
    }
    if (positives > 0) {
      const recall = tp / positives;
      const precision = tp / (tp + fp);
      pr.push({ threshold, recall, precision });
      averagePrecision += (recall - lastRecall) * precision;
      lastRecall = recall;
    }
  }
  return {
    positives,
    negatives,
    roc,
    pr,
    rocAuc: bothClasses ? rocArea / (positives * negatives) : null,
    prAuc: positives > 0 ? averagePrecision : null,
  };
}

/**
 * The best recall any threshold reaches while flagging at most `maxFpr` of the negatives, and
 * that threshold (`Infinity` when only "flag nothing" fits: recall 0). `null` for an empty curve.
 */
export function recallAtFpr(
  roc: readonly RocPoint[],
  maxFpr: number,
): { recall: number; threshold: number; fpr: number } | null {
  let best: RocPoint | undefined;
  for (const p of roc) {
    if (p.fpr <= maxFpr && (best === undefined || p.tpr > best.tpr)) best = p;
  }
  return best ? { recall: best.tpr, threshold: best.threshold, fpr: best.fpr } : null;
}

/**
 * The ROC curve up to `maxFpr`, and its first point past it, if any: a chart clipped at `maxFpr`
 * then draws the line to its edge. Without that point a score whose tied values flag a block of
 * benign logins at once (a rounded rank) ended its line short of the edge, as if it stopped there.
 */
export function rocUpTo(roc: readonly RocPoint[], maxFpr: number): RocPoint[] {
  const past = roc.findIndex((p) => p.fpr > maxFpr);
  if (past < 0) return [...roc];
  // A point on the edge already ends the line there.
  return roc.slice(0, roc[past - 1]?.fpr === maxFpr ? past : past + 1);
}

/**
 * A curve with fewer points for drawing: a point is kept when it moved at least `step` (in
 * either coordinate) from the last kept one; the first and last points always stay. The areas
 * are computed on the full curve, never on this.
 */
export function thinCurve<T>(
  points: readonly T[],
  x: (p: T) => number,
  y: (p: T) => number,
  step: number,
): T[] {
  const first = points[0];
  if (first === undefined) return [];
  const kept: T[] = [first];
  let lastX = x(first);
  let lastY = y(first);
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i] as T;
    if (Math.abs(x(p) - lastX) >= step || Math.abs(y(p) - lastY) >= step) {
      kept.push(p);
      lastX = x(p);
      lastY = y(p);
    }
  }
  if (points.length > 1) kept.push(points[points.length - 1] as T);
  return kept;
}
