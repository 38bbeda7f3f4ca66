import { describe, expect, it } from 'vitest';
import { DETECTORS, type EvaluatedEvents } from '../../src/train/evaluate-dataset.js';
import { mergeEvaluations } from '../../src/train/merge-evaluations.js';

/** A hand-made evaluation: rows as [scenario, success, rules score]; other scores follow rules. */
function evaluation(
  scenarios: string[],
  rows: [string, 0 | 1, number][],
  deviation: { benign: number; attack: number },
  timing: { events: number; seconds: number; modelsUs: number; timedRows: number },
): EvaluatedEvents {
  const n = rows.length;
  const scores = Object.fromEntries(
    DETECTORS.map((d, k) => [d, Float64Array.from(rows, ([, , r]) => r + k / 100)]),
  ) as EvaluatedEvents['scores'];
  const dev = { benign: [deviation.benign, 0], attack: [deviation.attack, 1] };
  return {
    rows: n,
    scenarios,
    label: Uint16Array.from(rows, ([s]) => scenarios.indexOf(s)),
    attack: Uint8Array.from(rows, ([s]) => (s === 'benign' ? 0 : 1)),
    success: Uint8Array.from(rows, ([, ok]) => ok),
    scores,
    action: Uint8Array.from(rows, ([, , r]) => (r >= 0.5 ? 1 : 0)),
    locked: new Uint8Array(n),
    unlabelled: 2,
    badLines: 1,
    featureDeviation: { successful: dev, all: dev },
    timing: {
      events: timing.events,
      seconds: timing.seconds,
      eventsPerSecond: timing.events / timing.seconds,
      usPerEvent: (timing.seconds * 1e6) / timing.events,
      modelsUsPerEvent: timing.modelsUs,
      isolationForestUsPerRow: timing.modelsUs / 4,
      autoencoderUsPerRow: timing.modelsUs / 2,
      timedRows: timing.timedRows,
    },
  };
}

describe('mergeEvaluations', () => {
  const a = evaluation(
    ['benign', 'brute_force'],
    [
      ['benign', 1, 0.1],
      ['brute_force', 0, 0.9],
      ['benign', 1, 0.2],
    ],
    { benign: 1, attack: 3 },
    { events: 5, seconds: 1, modelsUs: 10, timedRows: 5 },
  );
  // Scenarios met in another order, and one the first file does not have.
  const b = evaluation(
    ['impossible_travel', 'benign'],
    [
      ['impossible_travel', 1, 0.7],
      ['benign', 1, 0.3],
    ],
    { benign: 4, attack: 6 },
    { events: 15, seconds: 3, modelsUs: 30, timedRows: 15 },
  );

  it('puts the rows of each file after one another under one scenario list', () => {
    const m = mergeEvaluations([a, b]);
    expect(m.rows).toBe(5);
    expect(m.scenarios).toEqual(['benign', 'brute_force', 'impossible_travel']);
    expect(Array.from(m.label, (i) => m.scenarios[i])).toEqual([
      'benign',
      'brute_force',
      'benign',
      'impossible_travel',
      'benign',
    ]);
    expect([...m.attack]).toEqual([0, 1, 0, 1, 0]);
    expect([...m.success]).toEqual([1, 0, 1, 1, 1]);
    expect([...m.action]).toEqual([0, 1, 0, 1, 0]);
    expect([...m.scores.rules]).toEqual([0.1, 0.9, 0.2, 0.7, 0.3]);
    expect([...m.scores.ensemble]).toEqual([...m.scores.rules].map((r) => r + 0.04));
    expect(m.unlabelled).toBe(4);
    expect(m.badLines).toBe(2);
  });

  it('weights feature deviations by the rows of each class, and sums the times', () => {
    const m = mergeEvaluations([a, b]);
    // Benign rows: 2 in a (deviation 1) and 1 in b (4) → 2; attacks: 1 each (3, 6) → 4.5 on all
    // events, and only b's (6) among successful logins (a's attack failed).
    expect(m.featureDeviation.all.benign[0]).toBeCloseTo(2, 12);
    expect(m.featureDeviation.all.attack[0]).toBeCloseTo(4.5, 12);
    expect(m.featureDeviation.successful.attack[0]).toBeCloseTo(6, 12);
    expect(m.featureDeviation.successful.attack[1]).toBeCloseTo(1, 12);
    expect(m.timing.events).toBe(20);
    expect(m.timing.seconds).toBe(4);
    expect(m.timing.eventsPerSecond).toBe(5);
    expect(m.timing.modelsUsPerEvent).toBeCloseTo((10 * 5 + 30 * 15) / 20, 12);
    expect(m.timing.autoencoderUsPerRow).toBeCloseTo(12.5, 12);
    expect(m.timing.timedRows).toBe(20);
  });

  it('returns a single evaluation as it is, and refuses none', () => {
    expect(mergeEvaluations([a])).toBe(a);
    expect(() => mergeEvaluations([])).toThrow(/no evaluation/);
  });
});
