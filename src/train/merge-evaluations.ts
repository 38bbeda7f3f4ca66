import type { EvaluatedEvents, FeatureDeviation } from './evaluate-dataset.js';
import { DETECTORS } from './evaluate-dataset.js';

/**
 * Several files' evaluations as one: the rows of each in turn, one scenario list, counts and
 * times summed, feature deviations and per-model timings as weighted means. Each file was
 * replayed on its own (its own baselines, as separate deployments would be); the curves drawn
 * from the merged rows rank every login of every file against one threshold. One file is a few
 * dozen successful takeovers, one login a point of recall or more; a pool of files gives figures
 * that one login does not swing.
 * @throws when `parts` is empty.
 */
export function mergeEvaluations(parts: readonly EvaluatedEvents[]): EvaluatedEvents {
  const [first] = parts;
  if (first === undefined) throw new Error('mergeEvaluations: no evaluation to merge');
  if (parts.length === 1) return first;

  const scenarios: string[] = [];
  const indexOf = new Map<string, number>();
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const label = new Uint16Array(rows);
  const attack = new Uint8Array(rows);
  const success = new Uint8Array(rows);
  const action = new Uint8Array(rows);
  const locked = new Uint8Array(rows);
  const scores = Object.fromEntries(
    DETECTORS.map((d) => [d, new Float64Array(rows)]),
  ) as EvaluatedEvents['scores'];
  let at = 0;
  for (const p of parts) {
    const mapped = p.scenarios.map((s) => {
      let i = indexOf.get(s);
      if (i === undefined) {
        i = scenarios.length;
        scenarios.push(s);
        indexOf.set(s, i);
      }
      return i;
    });
    for (let i = 0; i < p.rows; i++) label[at + i] = mapped[p.label[i] as number] as number;
    attack.set(p.attack, at);
    success.set(p.success, at);
    action.set(p.action, at);
    locked.set(p.locked, at);
    for (const d of DETECTORS) scores[d].set(p.scores[d], at);
    at += p.rows;
  }

  const sum = (f: (p: EvaluatedEvents) => number): number => parts.reduce((n, p) => n + f(p), 0);
  const events = sum((p) => p.timing.events);
  const seconds = sum((p) => p.timing.seconds);
  const timedRows = sum((p) => p.timing.timedRows);
  const weighted = (f: (p: EvaluatedEvents) => number, w: (p: EvaluatedEvents) => number): number => {
    const total = sum(w);
    return total > 0 ? sum((p) => f(p) * w(p)) / total : 0;
  };
  return {
    rows,
    scenarios,
    label,
    attack,
    success,
    scores,
    action,
    locked,
    unlabelled: sum((p) => p.unlabelled),
    badLines: sum((p) => p.badLines),
    featureDeviation: {
      successful: mergeDeviation(parts, (p) => p.featureDeviation.successful, true),
      all: mergeDeviation(parts, (p) => p.featureDeviation.all, false),
    },
    timing: {
      events,
      seconds,
      eventsPerSecond: events / seconds,
      usPerEvent: (seconds * 1e6) / events,
      modelsUsPerEvent: weighted(
        (p) => p.timing.modelsUsPerEvent,
        (p) => p.timing.events,
      ),
      isolationForestUsPerRow: weighted(
        (p) => p.timing.isolationForestUsPerRow,
        (p) => p.timing.timedRows,
      ),
      autoencoderUsPerRow: weighted(
        (p) => p.timing.autoencoderUsPerRow,
        (p) => p.timing.timedRows,
      ),
      timedRows,
    },
  };
}

/** Mean deviations per feature weighted by how many benign (attack) rows each part holds. */
function mergeDeviation(
  parts: readonly EvaluatedEvents[],
  pick: (p: EvaluatedEvents) => FeatureDeviation,
  successfulOnly: boolean,
): FeatureDeviation {
  const mean = (cls: 'benign' | 'attack'): number[] => {
    const wanted = cls === 'attack' ? 1 : 0;
    const out: number[] = [];
    let total = 0;
    for (const p of parts) {
      let n = 0;
      for (let i = 0; i < p.rows; i++) {
        if (p.attack[i] === wanted && (!successfulOnly || p.success[i] === 1)) n++;
      }
      pick(p)[cls].forEach((v, f) => {
        out[f] = (out[f] ?? 0) + v * n;
      });
      total += n;
    }
    return out.map((v) => (total > 0 ? v / total : 0));
  };
  return { benign: mean('benign'), attack: mean('attack') };
}
