import type { ScoringConfig } from '../config/scoring-config.js';
import type { AnomalyEnsemble, ModelScorer } from '../detect/models/anomaly-ensemble.js';
import type { Enricher } from '../enrich/enricher.js';
import type { Action } from '../event/assessment.js';
import type { EventFieldError } from '../event/event-error.js';
import { readEventBatches } from '../event/read-events.js';
import { extractFeatures } from '../features/extract-features.js';
import { FEATURE_COUNT } from '../features/feature-names.js';
import { createPipeline } from '../pipeline.js';
import { MemoryScoringState } from '../profile/scoring-state.js';
import { Rng } from '../util/random.js';

/** The label of a normal login in labelled datasets; any other label names an attack scenario. */
export const BENIGN = 'benign';

/**
 * The scores the evaluation compares, each read from the assessment: `rules` (the rules' combined
 * score, before lockout and models), the two anomaly models and their combination (calibrated
 * 0..1 ranks against normal training logins), and `ensemble`: rules and models combined, before the
 * lockout (which sets `riskScore` to 1 for every attempt, the owner's included, and is a policy, not a
 * score), with logins that score alike ordered by the models (src/detect/models/ensemble-score.ts).
 */
export const DETECTORS = ['rules', 'isolationForest', 'autoencoder', 'models', 'ensemble'] as const;
export type DetectorName = (typeof DETECTORS)[number];

/** Names for people, in the order of {@link DETECTORS}. */
export const DETECTOR_TITLES: Readonly<Record<DetectorName, string>> = {
  rules: 'Rules alone',
  isolationForest: 'Isolation Forest',
  autoencoder: 'Autoencoder',
  models: 'Models combined',
  ensemble: 'Ensemble (rules + models)',
};

/** Index order of {@link EvaluatedEvents.action}. */
export const ACTIONS: readonly Action[] = ['allow', 'challenge', 'deny'];

/** Options of {@link evaluateDataset}. */
export interface EvaluateDatasetOptions {
  /** A labelled JSONL or CSV file (gzip or not) in time order, or a stream of one. */
  input: string | NodeJS.ReadableStream;
  /** What to call the input in errors; the path by default. */
  name?: string;
  enricher: Enricher;
  config: Readonly<ScoringConfig>;
  /** The trained models (`loadAnomalyModels`). */
  models: AnomalyEnsemble;
  /** Rows kept (a seeded sample) to time each model on its own after the replay. Default 5,000. */
  timingRows?: number;
  onProgress?: (events: number) => void;
  onBadLine?: (line: number, errors: EventFieldError[]) => void;
}

/** Mean |standardised value| of every feature (vector order), benign vs attack. */
export interface FeatureDeviation {
  benign: number[];
  attack: number[];
}

/** Where the time of the replay went. */
export interface EvaluationTiming {
  /** Events scored (labelled or not). */
  events: number;
  /** Wall time of the replay with the models: read, validate, enrich, rules, models, learn. */
  seconds: number;
  eventsPerSecond: number;
  usPerEvent: number;
  /** Inside the ensemble's `score()`: features, both models, calibration, the explanation when it fires. */
  modelsUsPerEvent: number;
  /** Each model alone on a sample of the replay's feature vectors (µs per vector). */
  isolationForestUsPerRow: number;
  autoencoderUsPerRow: number;
  timedRows: number;
}

/**
 * Every labelled event of a file as replayed through the pipeline with the models: row `i` of
 * each array is the `i`-th labelled event in file order. Events without a label are scored (they
 * shape the baselines and counters like any other) but kept out of the rows.
 *
 * @example
 * const ev = await evaluateDataset({ input: 'test.jsonl', enricher, config, models });
 * ev.scenarios[ev.label[i]]; // 'benign' or the attack scenario of row i
 * ev.scores.ensemble[i];     // its scores.ensemble
 */
export interface EvaluatedEvents {
  /** Number of rows (labelled events). */
  rows: number;
  /** Labels met, in order of first appearance. */
  scenarios: string[];
  /** Index into {@link scenarios}. */
  label: Uint16Array;
  /** 1 = attack (any label but `benign`). */
  attack: Uint8Array;
  /** 1 = the login succeeded. */
  success: Uint8Array;
  scores: Record<DetectorName, Float64Array>;
  /** Index into {@link ACTIONS} of the action taken. */
  action: Uint8Array;
  /** 1 = the account was locked (the login was denied whatever its score). */
  locked: Uint8Array;
  /** Valid events that carried no label (scored, not counted). */
  unlabelled: number;
  /** Lines that were not valid events (skipped). */
  badLines: number;
  /**
   * Features standardised with the autoencoder's standardiser (mean and standard deviation of the
   * normal training logins): how far attacks and benign logins sit from normal, per feature.
   */
  featureDeviation: { successful: FeatureDeviation; all: FeatureDeviation };
  timing: EvaluationTiming;
}

/**
 * Replays a labelled file through the pipeline with the anomaly models, exactly as `replay
 * --models` does (one thread, baselines learned as it goes), and keeps per event what the
 * evaluation needs.
 * @throws when no event carries a label, or when there are not both benign and attack events:
 * detection cannot be measured without both.
 */
export async function evaluateDataset(options: EvaluateDatasetOptions): Promise<EvaluatedEvents> {
  const { models, config } = options;
  const row = new Float64Array(FEATURE_COUNT);
  let modelsMs = 0;
  // Features are captured for the statistics before the timed call, so that timing is the ensemble's own.
  const timed: ModelScorer = {
    score(ctx) {
      extractFeatures(ctx, row);
      const t0 = performance.now();
      const verdict = models.score(ctx);
      modelsMs += performance.now() - t0;
      return verdict;
    },
  };
  const pipeline = createPipeline({ enricher: options.enricher, config, models: timed });
  const state = new MemoryScoringState(config);

  const cols = new Columns();
  const scenarioIndex = new Map<string, number>();
  const scenarios: string[] = [];
  const standardizer = models.autoencoder.standardizer;
  const deviation = new DeviationSums();
  const z = new Float64Array(FEATURE_COUNT);

  const timingRows = options.timingRows ?? 5000;
  const sample = new Float64Array(timingRows * FEATURE_COUNT);
  const rng = Rng.fromSeed(1).fork('evaluate-timing');
  let events = 0;
  let unlabelled = 0;
  let badLines = 0;

  const started = performance.now();
  for await (const batch of readEventBatches(options.input)) {
    for (const item of batch) {
      if (item.errors) {
        badLines++;
        options.onBadLine?.(item.line, item.errors);
        continue;
      }
      const event = item.event;
      const a = pipeline.assess(event, state);
      events++;
      // Reservoir sample of the feature vectors, to time each model alone afterwards.
      const slot = events <= timingRows ? events - 1 : rng.int(0, events - 1);
      if (slot < timingRows) sample.set(row, slot * FEATURE_COUNT);

      const label = event.attributes.label;
      if (typeof label !== 'string' || label === '') {
        unlabelled++;
        continue;
      }
      let li = scenarioIndex.get(label);
      if (li === undefined) {
        li = scenarios.length;
        scenarios.push(label);
        scenarioIndex.set(label, li);
      }
      const attack = label !== BENIGN;
      standardizer.transformInto(row, z);
      deviation.add(z, attack, event.success);
      cols.push(li, attack, event.success, a.scores, a.riskScore, ACTIONS.indexOf(a.action), a.accountLocked);
    }
    options.onProgress?.(events);
  }
  const seconds = (performance.now() - started) / 1000;

  const name = options.name ?? (typeof options.input === 'string' ? options.input : 'the input');
  if (cols.rows === 0) {
    throw new Error(
      `no event in ${name} carries a label ("benign" or an attack scenario): evaluate needs a labelled dataset (loginguard generate, bench/alt-dataset.mjs)`,
    );
  }
  const attacks = cols.attackCount();
  if (attacks === 0 || attacks === cols.rows) {
    throw new Error(
      `every labelled event in ${name} is ${attacks === 0 ? 'benign' : 'an attack'}: evaluate needs both benign and attack events`,
    );
  }

  const timedRows = Math.min(events, timingRows);
  return {
    ...cols.result(),
    scenarios,
    unlabelled,
    badLines,
    featureDeviation: deviation.means(),
    timing: {
      events,
      seconds,
      eventsPerSecond: events / seconds,
      usPerEvent: (seconds * 1e6) / events,
      modelsUsPerEvent: (modelsMs * 1000) / events,
      ...timeModels(models, sample, timedRows),
      timedRows,
    },
  };
}

/** µs per vector of each model alone, repeating the sample until each has run for a while. */
function timeModels(
  models: AnomalyEnsemble,
  sample: Float64Array,
  rows: number,
): { isolationForestUsPerRow: number; autoencoderUsPerRow: number } {
  if (rows === 0) return { isolationForestUsPerRow: 0, autoencoderUsPerRow: 0 };
  const squaredErrors = new Float64Array(FEATURE_COUNT);
  const views = Array.from({ length: rows }, (_, r) =>
    sample.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT),
  );
  let sink = 0;
  const time = (scoreOne: (r: number) => number): number => {
    let calls = 0;
    const t0 = performance.now();
    do {
      for (let r = 0; r < rows; r++) sink += scoreOne(r);
      calls += rows;
    } while (performance.now() - t0 < 250);
    return ((performance.now() - t0) * 1000) / calls;
  };
  const forest = time((r) => models.forest.score(sample, r * FEATURE_COUNT));
  const autoencoder = time((r) => models.autoencoder.score(views[r] as Float64Array, squaredErrors));
  if (Number.isNaN(sink)) throw new Error('a model scored NaN on a replayed feature vector');
  return { isolationForestUsPerRow: forest, autoencoderUsPerRow: autoencoder };
}

/** Sums of |z| per feature for benign / attack × successful / all events. */
class DeviationSums {
  private readonly sums = [0, 1, 2, 3].map(() => new Float64Array(FEATURE_COUNT));
  private readonly counts = [0, 0, 0, 0];

  add(z: Float64Array, attack: boolean, success: boolean): void {
    const all = attack ? 1 : 0;
    this.addTo(all, z);
    if (success) this.addTo(all + 2, z);
  }

  private addTo(group: number, z: Float64Array): void {
    const s = this.sums[group] as Float64Array;
    for (let f = 0; f < FEATURE_COUNT; f++) s[f] = (s[f] as number) + Math.abs(z[f] as number);
    this.counts[group] = (this.counts[group] as number) + 1;
  }

  means(): { successful: FeatureDeviation; all: FeatureDeviation } {
    const mean = (g: number) => {
      const n = this.counts[g] as number;
      return Array.from(this.sums[g] as Float64Array, (s) => (n > 0 ? s / n : 0));
    };
    return {
      all: { benign: mean(0), attack: mean(1) },
      successful: { benign: mean(2), attack: mean(3) },
    };
  }
}

/** Per-row typed arrays that double when full. */
class Columns {
  rows = 0;
  private capacity = 1 << 16;
  private label = new Uint16Array(this.capacity);
  private attack = new Uint8Array(this.capacity);
  private success = new Uint8Array(this.capacity);
  private action = new Uint8Array(this.capacity);
  private locked = new Uint8Array(this.capacity);
  private scores = newScores(this.capacity);

  push(
    label: number,
    attack: boolean,
    success: boolean,
    scores: Record<string, number>,
    riskScore: number,
    action: number,
    locked: boolean,
  ): void {
    if (this.rows === this.capacity) this.grow();
    const i = this.rows++;
    this.label[i] = label;
    this.attack[i] = attack ? 1 : 0;
    this.success[i] = success ? 1 : 0;
    this.action[i] = action;
    this.locked[i] = locked ? 1 : 0;
    const s = this.scores;
    s.rules[i] = scoreOf(scores, 'rules');
    s.isolationForest[i] = scoreOf(scores, 'isolationForest');
    s.autoencoder[i] = scoreOf(scores, 'autoencoder');
    s.models[i] = scoreOf(scores, 'models');
    s.ensemble[i] = scores.ensemble ?? riskScore;
  }

  attackCount(): number {
    let n = 0;
    for (let i = 0; i < this.rows; i++) n += this.attack[i] as number;
    return n;
  }

  result(): Pick<EvaluatedEvents, 'rows' | 'label' | 'attack' | 'success' | 'scores' | 'action' | 'locked'> {
    const n = this.rows;
    const scores = newScores(0);
    for (const d of DETECTORS) scores[d] = this.scores[d].slice(0, n);
    return {
      rows: n,
      label: this.label.slice(0, n),
      attack: this.attack.slice(0, n),
      success: this.success.slice(0, n),
      action: this.action.slice(0, n),
      locked: this.locked.slice(0, n),
      scores,
    };
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const widen = <T extends Uint8Array | Uint16Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.label = widen(this.label, (n) => new Uint16Array(n));
    this.attack = widen(this.attack, (n) => new Uint8Array(n));
    this.success = widen(this.success, (n) => new Uint8Array(n));
    this.action = widen(this.action, (n) => new Uint8Array(n));
    this.locked = widen(this.locked, (n) => new Uint8Array(n));
    for (const d of DETECTORS) this.scores[d] = widen(this.scores[d], (n) => new Float64Array(n));
    this.capacity = cap;
  }
}

function newScores(n: number): Record<DetectorName, Float64Array> {
  return {
    rules: new Float64Array(n),
    isolationForest: new Float64Array(n),
    autoencoder: new Float64Array(n),
    models: new Float64Array(n),
    ensemble: new Float64Array(n),
  };
}

function scoreOf(scores: Record<string, number>, key: string): number {
  const v = scores[key];
  if (v === undefined) throw new Error(`the assessment has no ${key} score: were the models loaded?`);
  return v;
}
