/** False-positive rates at which {@link RankingMetrics.recallAtFpr} reports the recall. */
export const FPR_POINTS = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3] as const;

/**
 * How well a score ranks attacks above benign events. Threshold-free (ROC-AUC, PR-AUC) and at
 * the operating point that matters to a security team: how many attacks are caught when 1% of
 * benign events are flagged. A metric that needs both classes is `null` when one is absent.
 *
 * @example
 * const m = rankingMetrics(scores, labels);
 * m.recallAt1PctFpr; // 0.93: 93% of attacks score above all but 1% of benign events
 */
export interface RankingMetrics {
  positives: number;
  negatives: number;
  /** Area under the ROC curve: the chance that a random attack outscores a random benign event (ties count half). */
  rocAuc: number | null;
  /**
   * Area under the precision-recall curve as average precision (scikit-learn's
   * `average_precision_score`): Σ (Rₙ − Rₙ₋₁) Pₙ over score thresholds. Unlike ROC-AUC it
   * collapses when a few hundred benign events outscore the attacks, which is what a 1%-base-rate
   * problem is about.
   */
  prAuc: number | null;
  /** Share of attacks flagged at the lowest threshold that flags at most 1% of benign events. */
  recallAt1PctFpr: number | null;
  /** The score threshold of {@link recallAt1PctFpr} (events scoring ≥ it are flagged); null when undefined. */
  thresholdAt1PctFpr: number | null;
  /** Recall at each FPR of {@link FPR_POINTS} (keys as written there, e.g. `"0.001"`): a ROC curve for charts. */
  recallAtFpr: Record<string, number | null>;
}

/**
 * Ranking metrics of `scores` against `labels` (1 = attack), over the rows where `include`
 * (when given) is true. Ties are handled as a threshold does: all rows with the same score are
 * flagged together.
 *
 * @throws when a score is not finite (a NaN would silently sort anywhere).
 */
export function rankingMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  include?: ArrayLike<number>,
): RankingMetrics {
  if (scores.length !== labels.length || (include && include.length !== labels.length)) {
    throw new Error(`rankingMetrics: ${scores.length} scores, ${labels.length} labels`);
  }
  const picked: number[] = [];
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (include && include[i] !== 1) continue;
    const s = scores[i] as number;
    if (!Number.isFinite(s)) throw new Error(`rankingMetrics: score ${s} at row ${i} is not finite`);
    picked.push(i);
    if (labels[i] === 1) positives++;
  }
  const negatives = picked.length - positives;
  const recallAtFpr: Record<string, number | null> = {};
  if (positives === 0 || negatives === 0) {
    for (const f of FPR_POINTS) recallAtFpr[String(f)] = null;
    return {
      positives,
      negatives,
      rocAuc: null,
      prAuc: null,
      recallAt1PctFpr: null,
      thresholdAt1PctFpr: null,
      recallAtFpr,
    };
  }
  picked.sort((a, b) => (scores[b] as number) - (scores[a] as number));

  let tp = 0;
  let fp = 0;
  let area = 0;
  let averagePrecision = 0;
  let prevTp = 0;
  let prevFp = 0;
  const best = FPR_POINTS.map(() => ({ recall: 0, threshold: Number.POSITIVE_INFINITY }));
  for (let i = 0; i < picked.length; ) {
    const s = scores[picked[i] as number] as number;
    let j = i;
    while (j < picked.length && scores[picked[j] as number] === s) {
      if (labels[picked[j] as number] === 1) tp++;
      else fp++;
      j++;
    }
    // Trapezoid between the previous threshold and this one: ties count half, as in Mann–Whitney.
    area += ((fp - prevFp) * (tp + prevTp)) / 2;
    averagePrecision += ((tp - prevTp) / positives) * (tp / (tp + fp));
    const fpr = fp / negatives;
    FPR_POINTS.forEach((limit, k) => {
      const b = best[k] as { recall: number; threshold: number };
      if (fpr <= limit) {
        b.recall = tp / positives;
        b.threshold = s;
      }
    });
    prevTp = tp;
    prevFp = fp;
    i = j;
  }
  FPR_POINTS.forEach((f, k) => {
    recallAtFpr[String(f)] = (best[k] as { recall: number }).recall;
  });
  const at1 = best[FPR_POINTS.indexOf(0.01)] as { recall: number; threshold: number };
  return {
    positives,
    negatives,
    rocAuc: area / (positives * negatives),
    prAuc: averagePrecision,
    recallAt1PctFpr: at1.recall,
    thresholdAt1PctFpr: Number.isFinite(at1.threshold) ? at1.threshold : null,
    recallAtFpr,
  };
}
