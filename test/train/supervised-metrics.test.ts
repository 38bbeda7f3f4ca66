import { describe, expect, it } from 'vitest';
import { rankingMetrics } from '../../src/train/supervised/ranking-metrics.js';

describe('rankingMetrics', () => {
  it('computes ROC-AUC and average precision as scikit-learn does', () => {
    // Attacks at ranks 1 and 3 of 6: 7 of the 8 attack/benign pairs are ordered right.
    // AP = 1/2 · 1 (first attack, precision 1) + 1/2 · 2/3 (second, precision 2/3) = 5/6.
    const m = rankingMetrics([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [1, 0, 1, 0, 0, 0]);
    expect(m.positives).toBe(2);
    expect(m.negatives).toBe(4);
    expect(m.rocAuc).toBeCloseTo(7 / 8, 12);
    expect(m.prAuc).toBeCloseTo(5 / 6, 12);
  });

  it('counts ties half for ROC-AUC and flags tied rows together', () => {
    const m = rankingMetrics([1, 1, 0], [1, 0, 0]);
    expect(m.rocAuc).toBeCloseTo(0.75, 12);
    // At score 1 one benign row of two is flagged with the attack: precision 1/2.
    expect(m.prAuc).toBeCloseTo(0.5, 12);
    expect(m.recallAt1PctFpr).toBe(0);
  });

  it('reports the recall at the threshold that flags at most 1% of benign rows', () => {
    // 200 benign rows scored 0..199, 10 attacks: 4 above every benign row, 6 at 197.5, 150.5, …
    const scores: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 200; i++) {
      scores.push(i);
      labels.push(0);
    }
    for (const s of [500, 400, 300, 250, 197.5, 150.5, 100.5, 50.5, 10.5, 0.5]) {
      scores.push(s);
      labels.push(1);
    }
    const m = rankingMetrics(scores, labels);
    // 1% of 200 = 2 benign rows may be flagged (198 and 199): the attack at 197.5 is the 5th caught.
    expect(m.recallAt1PctFpr).toBeCloseTo(0.5, 12);
    expect(m.thresholdAt1PctFpr).toBe(197.5);
    expect(m.recallAtFpr['0.001']).toBeCloseTo(0.4, 12);
    expect(m.recallAtFpr['0.3']).toBeCloseTo(0.6, 12);
  });

  it('restricts to the included rows, and gives null where a class is missing', () => {
    const scores = [3, 2, 1, 0];
    const labels = [1, 0, 1, 0];
    const onlyFirstTwo = rankingMetrics(scores, labels, [1, 1, 0, 0]);
    expect(onlyFirstTwo.rocAuc).toBe(1);
    const noAttack = rankingMetrics(scores, labels, [0, 1, 0, 1]);
    expect(noAttack.positives).toBe(0);
    expect(noAttack.rocAuc).toBeNull();
    expect(noAttack.recallAt1PctFpr).toBeNull();
  });

  it('refuses a score that is not finite', () => {
    expect(() => rankingMetrics([0.1, Number.NaN], [0, 1])).toThrow(/not finite/);
  });
});
