import type { ScoringConfig } from '../config/scoring-config.js';
import { type Autoencoder, trainAutoencoder } from '../detect/models/autoencoder.js';
import { ErrorCalibration } from '../detect/models/error-calibration.js';
import { fitIsolationForest, type IsolationForest } from '../detect/models/isolation-forest.js';
import type { Enricher } from '../enrich/enricher.js';
import type { LoginEvent } from '../event/login-event.js';
import { readEventBatches } from '../event/read-events.js';
import { FEATURE_COUNT, FEATURE_NAMES } from '../features/feature-names.js';
import { MemoryScoringState } from '../profile/scoring-state.js';
import { type NormalLoginSample, samplingPipeline } from './normal-login-sample.js';

export interface TrainModelsOptions {
  /** A JSONL or CSV file of login events (labels, if any, are ignored); what `training.input` names. */
  input: string;
  /** The history itself, in time order, instead of reading `input` (e.g. the service's stored events). */
  events?: AsyncIterable<readonly LoginEvent[]>;
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
/** Fewer normal-looking logins than this is not a history to learn "normal" from. */
const MIN_TRAINING_ROWS = 1000;

/**
 * Fits the anomaly models on a history of logins. The history is replayed through the rules, so
 * each login's features see the user's baseline as it was at that moment, exactly as live
 * scoring will, and only the logins the rules found unremarkable are sampled (`NormalLoginSample`).
 */
export async function trainModels(options: TrainModelsOptions): Promise<TrainedModels> {
  const seed = options.seed ?? 1;
  const { pipeline, sample, observe } = samplingPipeline({
    enricher: options.enricher,
    config: options.config,
    seed,
    ...(options.maxRows ? { maxRows: options.maxRows } : {}),
  });
  const state = new MemoryScoringState(options.config);
  const started = performance.now();
  for await (const batch of options.events ?? eventsOf(options.input)) {
    for (const event of batch) observe(pipeline.assess(event, state));
    options.onProgress?.('features', sample.events, 0);
  }
  return fitModels(sample, {
    input: options.input,
    seed,
    ...(options.epochs ? { epochs: options.epochs } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    featureSeconds: (performance.now() - started) / 1000,
  });
}

/** The valid events of a file, batch by batch (bad lines are skipped: training is not validation). */
async function* eventsOf(input: string): AsyncIterable<LoginEvent[]> {
  for await (const batch of readEventBatches(input)) {
    const events: LoginEvent[] = [];
    for (const item of batch) if (item.event) events.push(item.event);
    yield events;
  }
}

/**
 * Fits the Isolation Forest and the autoencoder on a sample (`samplingPipeline`, filled by
 * replaying a history through the rules). @throws Error when it holds fewer than 1,000 rows.
 */
export async function fitModels(
  sample: NormalLoginSample,
  options: {
    /** What the history was (a file name, "stored events"…), recorded in the model files. */
    input: string;
    seed?: number;
    epochs?: number;
    onProgress?: TrainModelsOptions['onProgress'];
    /** Time spent replaying the history, for the timings. */
    featureSeconds?: number;
  },
): Promise<TrainedModels> {
  const seed = options.seed ?? 1;
  const sampled = sample.size;
  if (sampled < MIN_TRAINING_ROWS) {
    throw new Error(
      `only ${sampled} normal-looking logins in ${options.input}: too few to train on (need ${MIN_TRAINING_ROWS.toLocaleString('en-US')})`,
    );
  }
  // Shuffled (seeded), then the last rows are held out for the forest's calibration.
  const rows = sample.shuffledRows();
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
      events: sample.events,
      normalLooking: sample.normalLooking,
      sampled,
      calibrationRows,
      seed,
    },
    seconds: {
      features: round1(options.featureSeconds ?? 0),
      forest: round1(forestSeconds),
      autoencoder: round1((performance.now() - aeStarted) / 1000),
    },
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
