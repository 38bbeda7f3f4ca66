import type { ScoringConfig } from '../config/scoring-config.js';
import type { DetectionContext } from '../detect/detection-context.js';
import type { ModelScorer, ModelVerdict } from '../detect/models/anomaly-ensemble.js';
import type { FeatureMatrix } from '../detect/models/feature-matrix.js';
import { RULE_DETECTORS } from '../detect/rule-detectors.js';
import type { Enricher } from '../enrich/enricher.js';
import { readEventBatches } from '../event/read-events.js';
import { extractFeatures } from '../features/extract-features.js';
import { FEATURE_COUNT } from '../features/feature-names.js';
import { createPipeline } from '../pipeline.js';
import { MemoryScoringState } from '../profile/scoring-state.js';

/** The label of a normal login in generated datasets; any other label names an attack scenario. */
export const BENIGN_LABEL = 'benign';

/** Options of {@link labelledFeatures}. */
export interface LabelledFeaturesOptions {
  /** A JSONL or CSV file of login events in time order whose events carry `label`. */
  input: string;
  enricher: Enricher;
  config: Readonly<ScoringConfig>;
  /**
   * The anomaly models to run in the pipeline (`loadAnomalyModels`). Without them, the pipeline is
   * the rules alone, as `loginguard train` replays a history. They change the actions, hence what
   * the baselines learn, hence the features: extract features for supervised models without them.
   */
  models?: ModelScorer;
  /** Skip the feature vectors (only labels and the pipeline's scores are wanted). Default true. */
  features?: boolean;
  onProgress?: (events: number) => void;
}

/**
 * Every labelled event of a file, replayed in time order through the pipeline: what the
 * detectors saw (the 38 features, against the user's baseline at that moment), what the event
 * was (attack or not, which scenario, success), and what the pipeline said (the rules' score and
 * the final risk score). Row `i` of every array is the same event, in file order.
 *
 * @example
 * const test = await labelledFeatures({ input: 'test.jsonl', enricher, config });
 * test.labels[i]; // 1: an attack (scenario test.scenarios[test.scenario[i]]), 0: benign
 */
export interface LabelledFeatures {
  /** One row per labelled event (float32); undefined when `features: false`. */
  features: FeatureMatrix | undefined;
  /** Number of labelled events: the length of every per-row array. */
  rows: number;
  /** 1 = attack (any label but `benign`), 0 = benign. */
  labels: Uint8Array;
  /** Index into {@link scenarios} of each row's label. */
  scenario: Uint16Array;
  /** The labels met, in order of first appearance (`benign` among them when there is one). */
  scenarios: string[];
  /** 1 when the login succeeded. */
  success: Uint8Array;
  /** The rules' combined score (`assessment.scores.rules`, before lockout and models). */
  rulesScore: Float32Array;
  /** The final `assessment.riskScore`: rules, lockout (a locked account scores 1) and the models if any. */
  riskScore: Float32Array;
  /** The anomaly ensemble's combined score (`assessment.scores.models`), when models were given. */
  modelScore: Float32Array | undefined;
  /** Valid events replayed (labelled or not: unlabelled ones still shape the baselines). */
  events: number;
  /** Valid events without a label: replayed, not in the rows. */
  unlabelled: number;
  /** Lines that failed validation (skipped, as `replay` does). */
  invalid: number;
  /** Wall time of the replay, and the part of it spent in the models' `score`. */
  seconds: { replay: number; models: number };
}

/**
 * Replays a labelled file through the pipeline with a pass-through detector that captures each
 * event's features (as `trainModels` does), and keeps labels, success and scores.
 *
 * @throws when no event in the file carries a label, naming the file.
 */
export async function labelledFeatures(options: LabelledFeaturesOptions): Promise<LabelledFeatures> {
  const wantFeatures = options.features ?? true;
  let capacity = 4096;
  let rows = 0;
  let features = new Float32Array(wantFeatures ? capacity * FEATURE_COUNT : 0);
  let labels = new Uint8Array(capacity);
  let scenario = new Uint16Array(capacity);
  let success = new Uint8Array(capacity);
  let rulesScore = new Float32Array(capacity);
  let riskScore = new Float32Array(capacity);
  let modelScore = options.models ? new Float32Array(capacity) : undefined;
  const grow = () => {
    capacity *= 2;
    const bigger = <T extends Float32Array | Uint8Array | Uint16Array>(
      a: T,
      make: (n: number) => T,
      k = 1,
    ) => {
      const b = make(capacity * k);
      b.set(a);
      return b;
    };
    if (wantFeatures) features = bigger(features, (n) => new Float32Array(n), FEATURE_COUNT);
    labels = bigger(labels, (n) => new Uint8Array(n));
    scenario = bigger(scenario, (n) => new Uint16Array(n));
    success = bigger(success, (n) => new Uint8Array(n));
    rulesScore = bigger(rulesScore, (n) => new Float32Array(n));
    riskScore = bigger(riskScore, (n) => new Float32Array(n));
    if (modelScore) modelScore = bigger(modelScore, (n) => new Float32Array(n));
  };

  const scratch = new Float64Array(FEATURE_COUNT);
  const capture = (ctx: DetectionContext) => {
    if (wantFeatures) extractFeatures(ctx, scratch);
    return undefined;
  };
  let modelMs = 0;
  const inner = options.models;
  const models: ModelScorer | undefined = inner && {
    score(ctx: DetectionContext): ModelVerdict {
      const t0 = performance.now();
      const verdict = inner.score(ctx);
      modelMs += performance.now() - t0;
      return verdict;
    },
  };
  const pipeline = createPipeline({
    enricher: options.enricher,
    config: options.config,
    detectors: [...RULE_DETECTORS, capture],
    ...(models ? { models } : {}),
  });
  const state = new MemoryScoringState(options.config);
  const scenarioIndex = new Map<string, number>();
  const scenarios: string[] = [];
  let events = 0;
  let unlabelled = 0;
  let invalid = 0;
  const started = performance.now();
  for await (const batch of readEventBatches(options.input)) {
    for (const item of batch) {
      if (!item.event) {
        invalid++;
        continue;
      }
      const a = pipeline.assess(item.event, state);
      events++;
      const label = item.event.attributes.label;
      if (typeof label !== 'string' || label === '') {
        unlabelled++;
        continue;
      }
      if (rows === capacity) grow();
      let s = scenarioIndex.get(label);
      if (s === undefined) {
        s = scenarios.length;
        scenarioIndex.set(label, s);
        scenarios.push(label);
      }
      if (wantFeatures) features.set(scratch, rows * FEATURE_COUNT);
      labels[rows] = label === BENIGN_LABEL ? 0 : 1;
      scenario[rows] = s;
      success[rows] = item.event.success ? 1 : 0;
      rulesScore[rows] = a.scores.rules ?? 0;
      riskScore[rows] = a.riskScore;
      if (modelScore) modelScore[rows] = a.scores.models ?? 0;
      rows++;
    }
    options.onProgress?.(events);
  }
  if (rows === 0) {
    throw new Error(
      `no event in ${options.input} carries a label (${events} valid events, ${invalid} invalid lines): ` +
        `a supervised benchmark needs "label": "benign" or an attack scenario on every event ` +
        '(loginguard generate and bench/alt-dataset.mjs write them)',
    );
  }
  return {
    features: wantFeatures
      ? { rows, cols: FEATURE_COUNT, data: features.subarray(0, rows * FEATURE_COUNT) }
      : undefined,
    rows,
    labels: labels.subarray(0, rows),
    scenario: scenario.subarray(0, rows),
    scenarios,
    success: success.subarray(0, rows),
    rulesScore: rulesScore.subarray(0, rows),
    riskScore: riskScore.subarray(0, rows),
    modelScore: modelScore?.subarray(0, rows),
    events,
    unlabelled,
    invalid,
    seconds: { replay: (performance.now() - started) / 1000, models: modelMs / 1000 },
  };
}
