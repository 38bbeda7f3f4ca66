import type { ScoringConfig } from '../config/scoring-config.js';
import type { DetectionContext } from '../detect/detection-context.js';
import { RULE_DETECTORS } from '../detect/rule-detectors.js';
import type { Enricher } from '../enrich/enricher.js';
import type { Assessment } from '../event/assessment.js';
import { extractFeatures } from '../features/extract-features.js';
import { FEATURE_COUNT } from '../features/feature-names.js';
import { createPipeline, type Pipeline } from '../pipeline.js';
import { Rng } from '../util/random.js';

const DEFAULT_MAX_ROWS = 200_000;

/**
 * A history replayed to train on (`trainModels`, `replay --fit-after`): the rules' pipeline with
 * one more detector that only records each event's features (it never signals, so the assessment
 * is the rules' own), and the sample that `observe` offers them to, features as they were against
 * the user's baseline at that moment. Seeded as `loginguard train` seeds it: same history and
 * seed, same sample, same model bytes.
 */
export function samplingPipeline(options: {
  enricher: Enricher;
  config: Readonly<ScoringConfig>;
  seed?: number;
  maxRows?: number;
}): { pipeline: Pipeline; sample: NormalLoginSample; observe: (assessment: Assessment) => void } {
  const { enricher, config } = options;
  const rng = Rng.fromSeed(options.seed ?? 1).fork('train-models');
  const sample = new NormalLoginSample(config, options.maxRows ?? DEFAULT_MAX_ROWS, rng);
  const features = new Float64Array(FEATURE_COUNT);
  const recorder = (ctx: DetectionContext) => {
    extractFeatures(ctx, features);
    return undefined;
  };
  const pipeline = createPipeline({ enricher, config, detectors: [...RULE_DETECTORS, recorder] });
  return { pipeline, sample, observe: (assessment) => sample.observe(assessment, features) };
}

/**
 * What the anomaly models are fitted on: the feature vectors of the logins of a history that the
 * rules found unremarkable (risk below the policy's `medium` threshold, account not locked).
 * Attacks in the history would otherwise teach the models that attacks are normal. A seeded
 * uniform sample (reservoir) of at most `maxRows` of them is kept.
 */
export class NormalLoginSample {
  /** Logins observed. */
  events = 0;
  /** Of those, the normal-looking ones (all candidates for the sample). */
  normalLooking = 0;
  private readonly kept: Float32Array;

  constructor(
    private readonly config: Readonly<ScoringConfig>,
    readonly maxRows: number,
    private readonly rng: Rng,
  ) {
    this.kept = new Float32Array(maxRows * FEATURE_COUNT);
  }

  /** Rows kept so far. */
  get size(): number {
    return Math.min(this.normalLooking, this.maxRows);
  }

  /** Counts a scored login and, when it looks normal, offers its features to the sample. */
  observe(assessment: Assessment, features: Float64Array): void {
    this.events++;
    if (assessment.accountLocked || assessment.riskScore >= this.config.policy.mediumThreshold) return;
    this.normalLooking++;
    // Reservoir sampling (Vitter's algorithm R): every normal-looking login equally likely.
    const slot =
      this.normalLooking <= this.maxRows ? this.normalLooking - 1 : this.rng.int(0, this.normalLooking - 1);
    if (slot < this.maxRows) this.kept.set(features, slot * FEATURE_COUNT);
  }

  /** The kept rows in a seeded random order (row-major float64), for fitting and holding out. */
  shuffledRows(): Float64Array {
    const n = this.size;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    const rows = new Float64Array(n * FEATURE_COUNT);
    for (let i = 0; i < n; i++) {
      const from = (order[i] as number) * FEATURE_COUNT;
      for (let c = 0; c < FEATURE_COUNT; c++) rows[i * FEATURE_COUNT + c] = this.kept[from + c] as number;
    }
    return rows;
  }
}
