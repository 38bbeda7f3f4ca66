import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScoringConfig } from '../../config/scoring-config.js';
import { describeFeature } from '../../features/describe-feature.js';
import { extractFeatures } from '../../features/extract-features.js';
import { FEATURE_COUNT, FEATURE_NAMES, FEATURE_SCHEMA_VERSION } from '../../features/feature-names.js';
import type { DetectionContext } from '../detection-context.js';
import { ramp } from '../score-math.js';
import type { Signal } from '../signal.js';
import { type Autoencoder, loadAutoencoder, saveAutoencoder } from './autoencoder.js';
import { ErrorCalibration } from './error-calibration.js';
import { attributeIsolation } from './isolation-attribution.js';
import { type IsolationForest, loadIsolationForest } from './isolation-forest.js';
import { ModelFileError, readModelFile, writeModelFile } from './model-file.js';

export const ENSEMBLE_TAG = 'loginguard.anomaly-ensemble';
export const ENSEMBLE_VERSION = 1;
const FOREST_FILE = 'isolation-forest.json';
const ENSEMBLE_FILE = 'ensemble.json';
const AUTOENCODER_DIR = 'autoencoder';

/** What the models say about one login: scores for the assessment and, when it stands out, a signal. */
export interface ModelVerdict {
  /** Calibrated 0..1 (share of normal training logins that looked less unusual), per model and combined. */
  scores: { isolationForest: number; autoencoder: number; models: number };
  signal: Signal | undefined;
}

/** Scores a login with the anomaly models; the pipeline calls it after the rules. */
export interface ModelScorer {
  score(ctx: DetectionContext): ModelVerdict;
}

/**
 * The anomaly models together: an Isolation Forest and an autoencoder over the feature vector,
 * each calibrated against the normal logins it was trained on (a score becomes the share of
 * those logins that looked less unusual), combined on a log scale of rarity ("surprise":
 * −log10 of the share that looked more unusual), and turned into ML_ANOMALY when the login is
 * rarer than `models.minSurprise` allows. The reason names the features that made it stand out.
 */
export class AnomalyEnsemble implements ModelScorer {
  private readonly row = new Float64Array(FEATURE_COUNT);
  private readonly squaredErrors = new Float64Array(FEATURE_COUNT);

  constructor(
    readonly forest: IsolationForest,
    readonly forestCalibration: ErrorCalibration,
    readonly autoencoder: Autoencoder,
    private readonly config: Pick<ScoringConfig, 'models'>,
  ) {}

  score(ctx: DetectionContext): ModelVerdict {
    const row = this.row;
    extractFeatures(ctx, row);
    const pForest = this.forestCalibration.rank(this.forest.score(row));
    const pAuto = this.autoencoder.calibration.rank(this.autoencoder.score(row, this.squaredErrors));
    const m = this.config.models;
    const surprise =
      (m.forestWeight * surpriseOf(pForest) + m.autoencoderWeight * surpriseOf(pAuto)) /
      (m.forestWeight + m.autoencoderWeight || 1);
    const combined = 1 - 10 ** -surprise;
    const strength = m.weight * ramp(surprise, m.minSurprise, 0, m.fullSurprise, 1);
    return {
      scores: { isolationForest: round(pForest), autoencoder: round(pAuto), models: round(combined) },
      signal:
        strength > 0
          ? { code: 'ML_ANOMALY', score: strength, message: this.explain(ctx, 1 - combined) }
          : undefined,
    };
  }

  /** "Unusual for this user (1 in 4,000 normal logins): device never seen; hour 03:10 is …". */
  private explain(ctx: DetectionContext, tail: number): string {
    // Half from the forest (features on the short paths that isolate it), half from the
    // autoencoder (features it reconstructs worst).
    const weight = new Float64Array(FEATURE_COUNT);
    for (const a of attributeIsolation(this.forest, this.row, { top: 4 })) {
      weight[a.index] = (weight[a.index] as number) + a.weight;
    }
    let total = 0;
    for (let i = 0; i < FEATURE_COUNT; i++) total += this.squaredErrors[i] as number;
    if (total > 0) {
      for (let i = 0; i < FEATURE_COUNT; i++)
        weight[i] = (weight[i] as number) + (this.squaredErrors[i] as number) / total;
    }
    const top = [...weight.keys()]
      .filter((i) => (weight[i] as number) > 0.15)
      .sort((a, b) => (weight[b] as number) - (weight[a] as number))
      .slice(0, 3);
    const phrases = top.map((i) => describeFeature(FEATURE_NAMES[i] as string, this.row[i] as number, ctx));
    const oneIn = tail > 0 ? Math.round(1 / tail) : Number.POSITIVE_INFINITY;
    const rarity = Number.isFinite(oneIn)
      ? `1 in ${oneIn.toLocaleString('en-US')} normal logins`
      : 'rarer than any normal login';
    return `Unusual combination for this user (${rarity})${phrases.length > 0 ? `: ${phrases.join('; ')}` : ''}`;
  }
}

/** −log10 of the share of normal logins more unusual than this one: 2 = 1 in 100, 4 = 1 in 10,000. */
function surpriseOf(rank: number): number {
  if (!Number.isFinite(rank)) return 0;
  return -Math.log10(Math.max(1e-6, 1 - rank));
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Writes the models to a directory: ensemble.json, isolation-forest.json, autoencoder/ (tfjs Layers format). */
export async function saveAnomalyModels(
  dir: string,
  parts: {
    forest: IsolationForest;
    forestCalibration: ErrorCalibration;
    autoencoder: Autoencoder;
    training: object;
  },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, FOREST_FILE), JSON.stringify(parts.forest.toJSON()));
  await saveAutoencoder(parts.autoencoder, join(dir, AUTOENCODER_DIR));
  const ensemble = writeModelFile(ENSEMBLE_TAG, ENSEMBLE_VERSION, FEATURE_NAMES, {
    featureSchemaVersion: FEATURE_SCHEMA_VERSION,
    forestCalibration: parts.forestCalibration.toJSON(),
    training: parts.training,
  });
  await writeFile(join(dir, ENSEMBLE_FILE), `${JSON.stringify(ensemble, null, 2)}\n`);
}

/**
 * Loads what `saveAnomalyModels` wrote. @throws ModelFileError naming the file and what is wrong
 * (missing, wrong tag or version, trained on another feature list).
 */
export async function loadAnomalyModels(
  dir: string,
  config: Pick<ScoringConfig, 'models'>,
): Promise<AnomalyEnsemble> {
  const read = async (file: string): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch (err) {
      throw new ModelFileError(join(dir, file), `cannot be read: ${(err as Error).message}`);
    }
  };
  const ensemble = readModelFile(await read(ENSEMBLE_FILE), {
    tag: ENSEMBLE_TAG,
    version: ENSEMBLE_VERSION,
    expectedFeatures: FEATURE_NAMES,
  });
  if (ensemble.featureSchemaVersion !== FEATURE_SCHEMA_VERSION) {
    throw new ModelFileError(
      'featureSchemaVersion',
      `the models were trained on feature schema ${String(ensemble.featureSchemaVersion)}, this build computes ${FEATURE_SCHEMA_VERSION}: train them again`,
    );
  }
  const forest = loadIsolationForest(await read(FOREST_FILE), { expectedFeatures: FEATURE_NAMES });
  const autoencoder = await loadAutoencoder(join(dir, AUTOENCODER_DIR), FEATURE_NAMES);
  return new AnomalyEnsemble(
    forest,
    ErrorCalibration.fromJSON(ensemble.forestCalibration),
    autoencoder,
    config,
  );
}
