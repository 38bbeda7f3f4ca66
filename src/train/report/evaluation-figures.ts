import type { ScoringConfig } from '../../config/scoring-config.js';
import { decide } from '../../decide/policy.js';
import type { Action } from '../../event/assessment.js';
import { FEATURES } from '../../features/feature-names.js';
import { detectionCurves, type RocPoint, recallAtFpr, rocUpTo, thinCurve } from '../detection-curves.js';
import {
  ACTIONS,
  BENIGN,
  DETECTORS,
  type DetectorName,
  type EvaluatedEvents,
  type EvaluationTiming,
  type FeatureDeviation,
} from '../evaluate-dataset.js';

/** The false-positive rate at which recall is quoted: 1% of benign logins flagged. */
export const REPORT_FPR = 0.01;
/** Equal-width score bins of the histograms, over [0, 1]. */
export const HISTOGRAM_BINS = 20;
/** The low-FPR view of the ROC curve stops here. */
export const LOW_FPR_MAX = 0.05;

/** A curve point for charts and JSON; `threshold` is null where nothing is flagged yet. */
export interface CurvePoint {
  x: number;
  y: number;
  threshold: number | null;
}

/** How one score separates attacks from benign logins in one population. */
export interface DetectorFigures {
  rocAuc: number | null;
  /** Average precision (area under the step PR curve). */
  prAuc: number | null;
  /** Best recall with at most {@link REPORT_FPR} of benign logins flagged, and the threshold that gives it. */
  recallAtFpr: { recall: number; threshold: number | null; fpr: number } | null;
  /** ROC (x = FPR, y = TPR), thinned for drawing. */
  roc: CurvePoint[];
  /** The ROC curve up to {@link LOW_FPR_MAX} FPR (and its first point past it, for the line to reach the edge), thinned more finely. */
  rocLowFpr: CurvePoint[];
  /** PR (x = recall, y = precision), thinned for drawing. */
  pr: CurvePoint[];
  /** Events per score bin ({@link HISTOGRAM_BINS} over [0, 1]; 1 falls in the last). */
  histogram: { benign: number[]; attack: number[] };
}

/** Logins × action at the configured thresholds. */
export type ConfusionMatrix = Record<Action, { benign: number; attack: number }>;

/** Figures for one population of events (the successful logins, or all events). */
export interface PopulationFigures {
  benign: number;
  attack: number;
  detectors: Record<DetectorName, DetectorFigures>;
  /** `ensemble`: the actions taken; `rules`: the action the rules' score alone (plus lockout) gives. */
  confusion: { ensemble: ConfusionMatrix; rules: ConfusionMatrix };
}

/** Detection of one scenario at the configured thresholds (flagged = challenge or deny). */
export interface ScenarioFigures {
  scenario: string;
  events: number;
  successes: number;
  /** Successful logins flagged / denied. */
  rules: { flagged: number; denied: number; eventsFlagged: number };
  ensemble: { flagged: number; denied: number; eventsFlagged: number };
  /** Successful logins the ensemble flags and the rules alone would have allowed. */
  addedByModels: number;
}

/** One feature: mean |standardised value| (z against the normal training logins), benign vs attack. */
export interface FeatureFigures {
  name: string;
  meaning: string;
  successful: { benign: number; attack: number };
  all: { benign: number; attack: number };
}

/** Everything `loginguard evaluate` reports, as written to `--json`. */
export interface EvaluationFigures {
  input: string;
  models: string;
  /** What `ensemble.json` says about the training data, when it says it. */
  modelsTraining: Record<string, unknown> | null;
  generatedAt: string;
  thresholds: { challenge: number; deny: number };
  counts: {
    events: number;
    labelled: number;
    unlabelled: number;
    badLines: number;
    benign: number;
    attack: number;
    benignSuccessful: number;
    attackSuccessful: number;
  };
  populations: { successful: PopulationFigures; all: PopulationFigures };
  /** Attack scenarios, by name; then `benign` (its flagged counts are the false alarms). */
  scenarios: ScenarioFigures[];
  /** Sorted by how much more attacks deviate than benign logins, among successful logins. */
  features: FeatureFigures[];
  timing: EvaluationTiming;
}

/** Where the evaluated data and models came from, for the report's header. */
export interface EvaluationSource {
  input: string;
  models: string;
  modelsTraining: Record<string, unknown> | null;
  generatedAt: Date;
}

/** Computes every figure of the report from the replayed events. Pure. */
export function evaluationFigures(
  ev: EvaluatedEvents,
  config: Pick<ScoringConfig, 'policy'>,
  source: EvaluationSource,
): EvaluationFigures {
  const rulesAction = new Uint8Array(ev.rows);
  for (let i = 0; i < ev.rows; i++) {
    const { action } = decide(ev.scores.rules[i] as number, ev.locked[i] === 1, config);
    rulesAction[i] = ACTIONS.indexOf(action);
  }
  const all = Uint32Array.from({ length: ev.rows }, (_, i) => i);
  const successful = all.filter((i) => ev.success[i] === 1);
  let attack = 0;
  let attackSuccessful = 0;
  for (let i = 0; i < ev.rows; i++) {
    attack += ev.attack[i] as number;
    if (ev.success[i]) attackSuccessful += ev.attack[i] as number;
  }
  return {
    input: source.input,
    models: source.models,
    modelsTraining: source.modelsTraining,
    generatedAt: source.generatedAt.toISOString(),
    thresholds: { challenge: config.policy.challengeThreshold, deny: config.policy.denyThreshold },
    counts: {
      events: ev.timing.events,
      labelled: ev.rows,
      unlabelled: ev.unlabelled,
      badLines: ev.badLines,
      benign: ev.rows - attack,
      attack,
      benignSuccessful: successful.length - attackSuccessful,
      attackSuccessful,
    },
    populations: {
      successful: population(ev, successful, rulesAction),
      all: population(ev, all, rulesAction),
    },
    scenarios: scenarioFigures(ev, rulesAction),
    features: featureFigures(ev.featureDeviation),
    timing: ev.timing,
  };
}

function population(ev: EvaluatedEvents, rows: Uint32Array, rulesAction: Uint8Array): PopulationFigures {
  const positive = Uint8Array.from(rows, (i) => ev.attack[i] as number);
  let attack = 0;
  for (const p of positive) attack += p;
  const detectors = {} as Record<DetectorName, DetectorFigures>;
  for (const d of DETECTORS) {
    const all = ev.scores[d];
    const scores = Float64Array.from(rows, (i) => all[i] as number);
    detectors[d] = detectorFigures(scores, positive);
  }
  return {
    benign: rows.length - attack,
    attack,
    detectors,
    confusion: { ensemble: confusion(ev, rows, ev.action), rules: confusion(ev, rows, rulesAction) },
  };
}

function detectorFigures(scores: Float64Array, positive: Uint8Array): DetectorFigures {
  const c = detectionCurves(scores, positive);
  const at = recallAtFpr(c.roc, REPORT_FPR);
  const rocPoint = (p: RocPoint): CurvePoint => ({
    x: p.fpr,
    y: p.tpr,
    threshold: finiteOrNull(p.threshold),
  });
  const low = rocUpTo(c.roc, LOW_FPR_MAX);
  const histogram = {
    benign: new Array<number>(HISTOGRAM_BINS).fill(0),
    attack: new Array<number>(HISTOGRAM_BINS).fill(0),
  };
  for (let i = 0; i < scores.length; i++) {
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((scores[i] as number) * HISTOGRAM_BINS)));
    const h = positive[i] ? histogram.attack : histogram.benign;
    h[bin] = (h[bin] as number) + 1;
  }
  return {
    rocAuc: c.rocAuc,
    prAuc: c.prAuc,
    recallAtFpr: at ? { recall: at.recall, threshold: finiteOrNull(at.threshold), fpr: at.fpr } : null,
    roc: thinCurve(
      c.roc,
      (p) => p.fpr,
      (p) => p.tpr,
      0.002,
    ).map(rocPoint),
    rocLowFpr: thinCurve(
      low,
      (p) => p.fpr / LOW_FPR_MAX,
      (p) => p.tpr,
      0.002,
    ).map(rocPoint),
    pr: thinCurve(
      c.pr,
      (p) => p.recall,
      (p) => p.precision,
      0.002,
    ).map((p) => ({
      x: p.recall,
      y: p.precision,
      threshold: p.threshold,
    })),
    histogram,
  };
}

function confusion(ev: EvaluatedEvents, rows: Uint32Array, action: Uint8Array): ConfusionMatrix {
  const m: ConfusionMatrix = {
    allow: { benign: 0, attack: 0 },
    challenge: { benign: 0, attack: 0 },
    deny: { benign: 0, attack: 0 },
  };
  for (const i of rows) {
    const cell = m[ACTIONS[action[i] as number] as Action];
    if (ev.attack[i]) cell.attack++;
    else cell.benign++;
  }
  return m;
}

function scenarioFigures(ev: EvaluatedEvents, rulesAction: Uint8Array): ScenarioFigures[] {
  const CHALLENGE = ACTIONS.indexOf('challenge');
  const DENY = ACTIONS.indexOf('deny');
  const out: ScenarioFigures[] = ev.scenarios.map((scenario) => ({
    scenario,
    events: 0,
    successes: 0,
    rules: { flagged: 0, denied: 0, eventsFlagged: 0 },
    ensemble: { flagged: 0, denied: 0, eventsFlagged: 0 },
    addedByModels: 0,
  }));
  for (let i = 0; i < ev.rows; i++) {
    const s = out[ev.label[i] as number] as ScenarioFigures;
    const rulesFlag = (rulesAction[i] as number) >= CHALLENGE;
    const ensembleFlag = (ev.action[i] as number) >= CHALLENGE;
    s.events++;
    if (rulesFlag) s.rules.eventsFlagged++;
    if (ensembleFlag) s.ensemble.eventsFlagged++;
    if (!ev.success[i]) continue;
    s.successes++;
    if (rulesFlag) s.rules.flagged++;
    if (ensembleFlag) s.ensemble.flagged++;
    if (rulesAction[i] === DENY) s.rules.denied++;
    if (ev.action[i] === DENY) s.ensemble.denied++;
    if (ensembleFlag && !rulesFlag) s.addedByModels++;
  }
  const benign = out.filter((s) => s.scenario === BENIGN);
  const attacks = out
    .filter((s) => s.scenario !== BENIGN)
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
  return [...attacks, ...benign];
}

function featureFigures(dev: { successful: FeatureDeviation; all: FeatureDeviation }): FeatureFigures[] {
  const rows = FEATURES.map((f, i) => ({
    name: f.name,
    meaning: f.meaning,
    successful: { benign: dev.successful.benign[i] ?? 0, attack: dev.successful.attack[i] ?? 0 },
    all: { benign: dev.all.benign[i] ?? 0, attack: dev.all.attack[i] ?? 0 },
  }));
  const gap = (f: FeatureFigures) => f.successful.attack - f.successful.benign;
  return rows.sort((a, b) => gap(b) - gap(a));
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
