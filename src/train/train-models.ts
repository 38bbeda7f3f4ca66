import type { ScoringConfig } from '../config/scoring-config.js';
import type { DetectionContext } from '../detect/detection-context.js';
import { type Autoencoder, trainAutoencoder } from '../detect/models/autoencoder.js';
import { ErrorCalibration } from '../detect/models/error-calibration.js';
import { fitIsolationForest, type IsolationForest } from '../detect/models/isolation-forest.js';
import { RULE_DETECTORS } from '../detect/rule-detectors.js';
import type { Enricher } from '../enrich/enricher.js';
import { readEventBatches } from '../event/read-events.js';
import { extractFeatures } from '../features/extract-features.js';
import { FEATURE_COUNT, FEATURE_NAMES } from '../features/feature-names.js';
import { createPipeline } from '../pipeline.js';
import { MemoryScoringState } from '../profile/scoring-state.js';
import { Rng } from '../util/random.js';

export interface TrainModelsOptions {
  /** A JSONL or CSV file of login events (labels, if any, are ignored). */
  input: string;
  enricher: Enricher;
  config: Readonly<ScoringConfig>;
  seed?: number;
  /** Most rows kept for training (a seeded uniform sample of the normal-looking logins). Default 200,000. */
  maxRows?: number;
  /** Autoencoder epochs. Default 20. */
  epochs?: number;
  onProgress?: (phase: 'features' | 'forest' | 'autoencoder', done: number, total: number) => void;
}

export interface TrainedModels {
  forest: IsolationForest;
  forestCalibration: ErrorCalibration;
  autoencoder: Autoencoder;
  training: {
    input: string;
    events: number;
    normalLooking: number;
    sampled: number;
    calibrationRows: number;
    seed: number;
  };
  /** Kept out of the model files: the same seed must give the same bytes. */
  seconds: { features: number; forest: number; autoencoder: number };
}

/** Share of the sample held out to calibrate the forest's scores (the autoencoder holds out its own). */
const CALIBRATION_SHARE = 0.1;

/**
 * Fits the anomaly models on a history of logins. The history is replayed through the rules, so
 * each login's features see the user's baseline as it was at that moment, exactly as live
 * scoring will. Only logins the rules found unremarkable (risk below the policy's `medium`
 * threshold, account not locked) are kept: attacks in the history would otherwise teach the
 * models that attacks are normal. From those, a seeded uniform sample (reservoir) is taken.
 */
export async function trainModels(options: TrainModelsOptions): Promise<TrainedModels> {
  const seed = options.seed ?? 1;
  const maxRows = options.maxRows ?? 200_000;
  const rng = Rng.fromSeed(seed).fork('train-models');
  const scratch = new Float64Array(FEATURE_COUNT);
  const capture = (ctx: DetectionContext) => {
    extractFeatures(ctx, scratch);
    return undefined;
  };
  const pipeline = createPipeline({
    enricher: options.enricher,
    config: options.config,
    detectors: [...RULE_DETECTORS, capture],
  });
  const state = new MemoryScoringState(options.config);
  const sample = new Float32Array(maxRows * FEATURE_COUNT);
  let events = 0;
  let normalLooking = 0;
  const started = performance.now();
  for await (const batch of readEventBatches(options.input)) {
    for (const item of batch) {
      if (!item.event) continue;
      const a = pipeline.assess(item.event, state);
      events++;
      if (a.accountLocked || a.riskScore >= options.config.policy.mediumThreshold) continue;
      normalLooking++;
      // Reservoir sampling (Vitter's algorithm R): every normal-looking login equally likely.
      const slot = normalLooking <= maxRows ? normalLooking - 1 : rng.int(0, normalLooking - 1);
      if (slot < maxRows) sample.set(scratch, slot * FEATURE_COUNT);
    }
    options.onProgress?.('features', events, 0);
  }
  const sampled = Math.min(normalLooking, maxRows);
  if (sampled < 1000) {
    throw new Error(
      `only ${sampled} normal-looking logins in ${options.input}: too few to train on (need 1,000)`,
    );
  }
  const featureSeconds = (performance.now() - started) / 1000;

  // Shuffle the sample's order (seeded), then hold out the last rows for the forest's calibration.
  const order = new Int32Array(sampled);
  for (let i = 0; i < sampled; i++) order[i] = i;
  for (let i = sampled - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  const rows = new Float64Array(sampled * FEATURE_COUNT);
  for (let i = 0; i < sampled; i++) {
    const from = (order[i] as number) * FEATURE_COUNT;
    for (let c = 0; c < FEATURE_COUNT; c++) rows[i * FEATURE_COUNT + c] = sample[from + c] as number;
  }
  const calibrationRows = Math.max(1, Math.floor(sampled * CALIBRATION_SHARE));
  const fitRows = sampled - calibrationRows;

  const forestStarted = performance.now();
  options.onProgress?.('forest', 0, 1);
  const forest = fitIsolationForest(rows.subarray(0, fitRows * FEATURE_COUNT), fitRows, FEATURE_COUNT, {
    seed,
    features: FEATURE_NAMES,
  });
  const held = new Float64Array(calibrationRows);
  for (let i = 0; i < calibrationRows; i++) held[i] = forest.score(rows, (fitRows + i) * FEATURE_COUNT);
  const forestCalibration = ErrorCalibration.fromErrors(held);
  options.onProgress?.('forest', 1, 1);
  const forestSeconds = (performance.now() - forestStarted) / 1000;

  const aeStarted = performance.now();
  const epochs = options.epochs ?? 20;
  const autoencoder = await trainAutoencoder(
    { rows: sampled, cols: FEATURE_COUNT, data: rows },
    FEATURE_NAMES,
    {
      seed,
      epochs,
      maxRows: fitRows,
      calibrationRows,
      onEpoch: (epoch, total) => options.onProgress?.('autoencoder', epoch, total),
    },
  );
  return {
    forest,
    forestCalibration,
    autoencoder,
    training: {
      input: options.input,
      events,
      normalLooking,
      sampled,
      calibrationRows,
      seed,
    },
    seconds: {
      features: round1(featureSeconds),
      forest: round1(forestSeconds),
      autoencoder: round1((performance.now() - aeStarted) / 1000),
    },
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
