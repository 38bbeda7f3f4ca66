import { describe, expect, it } from 'vitest';
import { detectionCurves, recallAtFpr, rocUpTo, thinCurve } from '../../src/train/detection-curves.js';
import { Rng } from '../../src/util/random.js';

const curves = (scores: number[], labels: number[]) => detectionCurves(scores, labels);
const rocXY = (c: ReturnType<typeof curves>) => c.roc.map((p) => [p.fpr, p.tpr]);

describe('detectionCurves', () => {
  it('gives AUC 1 and full recall at 0% FPR when every attack scores above every benign login', () => {
    const c = curves([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0]);
    expect(c.rocAuc).toBe(1);
    expect(c.prAuc).toBe(1);
    expect(rocXY(c)).toEqual([
      [0, 0],
      [0, 0.5],
      [0, 1],
      [0.5, 1],
      [1, 1],
    ]);
    expect(recallAtFpr(c.roc, 0)).toEqual({ recall: 1, threshold: 0.8, fpr: 0 });
  });

  it('gives AUC 0 when the scores are reversed, and average precision by steps', () => {
    const c = curves([0.9, 0.8, 0.3, 0.1], [0, 0, 1, 1]);
    expect(c.rocAuc).toBe(0);
    // Thresholds 0.3 then 0.1: recall 0.5 at precision 1/3, then 1 at precision 1/2.
    expect(c.prAuc).toBeCloseTo(0.5 / 3 + 0.5 * 0.5, 12);
    expect(recallAtFpr(c.roc, 0.4)).toEqual({ recall: 0, threshold: Number.POSITIVE_INFINITY, fpr: 0 });
  });

  it('flags tied scores together: all tied is chance, and a tie between classes counts half', () => {
    const flat = curves([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]);
    expect(flat.rocAuc).toBe(0.5);
    expect(rocXY(flat)).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(flat.prAuc).toBe(0.5);
    expect(recallAtFpr(flat.roc, 0.99)?.recall).toBe(0); // no threshold flags part of a tie

    // Pairs (attack, benign): (0.9, 0.5) 1, (0.9, 0.1) 1, (0.5, 0.5) ½, (0.5, 0.1) 1 → 3.5 / 4.
    const tie = curves([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]);
    expect(tie.rocAuc).toBe(0.875);
    expect(rocXY(tie)).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
    expect(recallAtFpr(tie.roc, 0.49)).toEqual({ recall: 0.5, threshold: 0.9, fpr: 0 });
    expect(recallAtFpr(tie.roc, 0.5)).toEqual({ recall: 1, threshold: 0.5, fpr: 0.5 });
  });

  it('reads recall at a false-positive rate off the best threshold within it', () => {
    // 100 benign logins scoring 0.00 … 0.99; attacks at 0.995, 0.985 and 0.5.
    const scores = [...Array.from({ length: 100 }, (_, i) => i / 100), 0.995, 0.985, 0.5];
    const labels = [...new Array<number>(100).fill(0), 1, 1, 1];
    const c = curves(scores, labels);
    expect(recallAtFpr(c.roc, 0.01)).toEqual({ recall: 2 / 3, threshold: 0.985, fpr: 0.01 });
    expect(recallAtFpr(c.roc, 0.009)).toEqual({ recall: 1 / 3, threshold: 0.995, fpr: 0 });
    expect(recallAtFpr(c.roc, 0.5)?.recall).toBe(1); // 0.5 ties one benign login: FPR 0.50
    expect(recallAtFpr(c.roc, 0.5)?.fpr).toBe(0.5);
  });

  it('equals the Mann–Whitney probability on random scores with many ties', () => {
    const rng = Rng.fromSeed(7);
    const n = 400;
    const scores = Array.from({ length: n }, () => Math.round(rng.float() * 20) / 20);
    const labels = scores.map((s) => (rng.chance(0.2 + 0.5 * s) ? 1 : 0));
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      if (!labels[i]) continue;
      for (let j = 0; j < n; j++) {
        if (labels[j]) continue;
        pairs++;
        const a = scores[i] as number;
        const b = scores[j] as number;
        wins += a > b ? 1 : a === b ? 0.5 : 0;
      }
    }
    const c = curves(scores, labels);
    expect(c.rocAuc).toBeCloseTo(wins / pairs, 12);
    expect(c.rocAuc).toBeGreaterThan(0.6); // the labels do follow the scores
    const last = c.pr[c.pr.length - 1];
    expect(last?.recall).toBe(1);
    expect(last?.precision).toBeCloseTo(c.positives / n, 12);
  });

  it('has no ROC-AUC without both classes and no PR-AUC without attacks', () => {
    const noAttack = curves([0.1, 0.2], [0, 0]);
    expect(noAttack.rocAuc).toBeNull();
    expect(noAttack.prAuc).toBeNull();
    expect(noAttack.roc).toEqual([]);
    expect(recallAtFpr(noAttack.roc, 0.01)).toBeNull();
    const noBenign = curves([0.1, 0.2], [1, 1]);
    expect(noBenign.rocAuc).toBeNull();
    expect(noBenign.prAuc).toBe(1);
  });

  it('refuses mismatched lengths and NaN scores', () => {
    expect(() => curves([0.1, 0.2], [1])).toThrow(/2 scores but 1 labels/);
    expect(() => curves([0.1, Number.NaN], [1, 0])).toThrow(/score 1 is NaN/);
  });
});

describe('thinCurve', () => {
  it('keeps the ends and the points that moved at least a step', () => {
    const pts = [0, 0.001, 0.002, 0.05, 0.051, 0.2, 0.2005].map((x) => ({ x, y: x }));
    const kept = thinCurve(
      pts,
      (p) => p.x,
      (p) => p.y,
      0.01,
    ).map((p) => p.x);
    expect(kept).toEqual([0, 0.05, 0.2, 0.2005]);
    expect(
      thinCurve(
        [],
        (p: { x: number }) => p.x,
        (p) => p.x,
        0.1,
      ),
    ).toEqual([]);
  });
});

describe('rocUpTo', () => {
  const point = (fpr: number, tpr: number) => ({ threshold: 1 - fpr, fpr, tpr });

  it('keeps the first point past the limit, so a clipped line reaches the edge', () => {
    // A rounded score: its next tie flags benign logins from 4.2% to 9% at once.
    const roc = [point(0, 0), point(0.01, 0.6), point(0.042, 0.9), point(0.09, 0.95), point(1, 1)];
    expect(rocUpTo(roc, 0.05)).toEqual(roc.slice(0, 4));
  });

  it('adds nothing when a point sits on the limit or the curve ends before it', () => {
    const onEdge = [point(0, 0), point(0.05, 0.9), point(0.2, 0.97), point(1, 1)];
    expect(rocUpTo(onEdge, 0.05)).toEqual(onEdge.slice(0, 2));
    const short = [point(0, 0), point(0.03, 0.9)];
    expect(rocUpTo(short, 0.05)).toEqual(short);
  });
});
