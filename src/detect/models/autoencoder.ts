import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util/random.js';
import { type DenseActivation, DenseForward, type DenseLayerWeights } from './dense-forward.js';
import { ErrorCalibration, type ErrorCalibrationJSON } from './error-calibration.js';
import { assertMatrixShape, type FeatureMatrix } from './feature-matrix.js';
import { type ModelFile, ModelFileError, readModelFile, writeModelFile } from './model-file.js';
import { Standardizer, type StandardizerJSON } from './standardizer.js';

/** The tag in every saved autoencoder; {@link loadAutoencoder} refuses anything else. */
export const AUTOENCODER_TAG = 'loginguard.autoencoder';
/** The metadata format this build writes and reads. */
export const AUTOENCODER_VERSION = 1;

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** How to train. Every field has a default; with them, 1,000,000 × 25 trains in about 2 minutes on 2 cores. */
export interface AutoencoderOptions {
  /** Hidden layer sizes, encoder to decoder; the middle one is the bottleneck. Default `[16, 8, 16]`. */
  hiddenUnits?: readonly number[];
  /** Hidden activation (the output is always linear). Default `'tanh'`. */
  activation?: 'tanh' | 'relu';
  /** Passes over the training rows. 0 keeps the seeded initial weights. Default 20. */
  epochs?: number;
  /** Rows per Adam step. Default 256. */
  batchSize?: number;
  /** Adam's step size. Default 0.001. */
  learningRate?: number;
  /** Seeds the initial weights, the row sample and every epoch's order. Default 1. */
  seed?: number;
  /**
   * At most this many rows (a seeded sample) are trained on; the standardiser still sees all rows.
   * A network of ~1,000 weights learns nothing more from the millionth row than from the
   * 200,000th, and training time is linear in rows × epochs. Default 200,000.
   */
  maxRows?: number;
  /** Rows whose errors calibrate the score (rows left out of training when there are any). Default 20,000. */
  calibrationRows?: number;
  /** Called after each epoch with `epoch` from 1 to `total` and that epoch's mean training loss. */
  onEpoch?: (epoch: number, total: number, loss: number) => void;
}

/** How a model was trained; saved with it, for reports and to retrain the same way. */
export interface AutoencoderTrainingInfo {
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  hiddenUnits: number[];
  activation: 'tanh' | 'relu';
  /** Rows given to training (all of them fitted the standardiser). */
  rows: number;
  /** Rows gradient descent saw (≤ `maxRows`). */
  trainedRows: number;
  /** Mean training loss (MSE on standardised features) of each epoch. */
  lossHistory: number[];
  /** True when the calibration rows were not trained on. */
  calibrationHeldOut: boolean;
}

/**
 * What loginguard stores in `model.json`'s `userDefinedMetadata`, next to tfjs's own fields: the
 * envelope every loginguard model shares (`tag`, `version`, `features`: the input columns in
 * order; see model-file.ts), then the autoencoder's own fields.
 */
export type AutoencoderMetadata = ModelFile<{
  standardizer: StandardizerJSON;
  calibration: ErrorCalibrationJSON;
  training: AutoencoderTrainingInfo;
}>;

let cpuBackend: Promise<void> | undefined;

/**
 * The pure-JS 'cpu' backend, chosen explicitly. tfjs otherwise takes the highest-priority
 * backend that initialises: today that falls back to cpu on Node, but installing tfjs-node (or
 * a WebGL shim) would silently switch to kernels with other rounding and multithreaded sums,
 * and the same seed would no longer give the same weights, nor would the forward pass be
 * checked against the kernels that trained it. Prod mode only mutes tfjs's console warnings
 * (the "install tfjs-node" banner, which cannot be followed here: it downloads a binary).
 */
function useCpuBackend(): Promise<void> {
  cpuBackend ??= (async () => {
    tf.enableProdMode();
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend failed to initialise');
    await tf.ready();
  })();
  return cpuBackend;
}

/**
 * A trained autoencoder: a tfjs model (for saving and batch use) plus the same weights in a
 * {@link DenseForward} for scoring one event in microseconds.
 *
 * The score is the reconstruction error: the mean over features of the squared difference between
 * the standardised input and the network's reconstruction of it. Logins like the training data
 * reconstruct well; a login whose features break the usual relations between them does not.
 *
 * @example
 * const ae = await trainAutoencoder(matrix, names, { epochs: 20, onEpoch: (e, n, loss) => bar.update(e) });
 * await saveAutoencoder(ae, 'data/models/autoencoder');
 * const loaded = await loadAutoencoder('data/models/autoencoder', names);
 * const mse = loaded.score(vector);               // per event, allocation-free
 * const rank = loaded.calibration.rank(mse);     // 0..1: share of calibration logins scoring lower
 */
export class Autoencoder {
  readonly featureNames: readonly string[];
  readonly standardizer: Standardizer;
  readonly calibration: ErrorCalibration;
  readonly training: AutoencoderTrainingInfo;
  /** The tfjs model; its input is the standardised vector. */
  readonly model: tf.LayersModel;
  /** The same weights in our own forward pass; its input is the standardised vector too. */
  readonly net: DenseForward;
  private readonly z: Float64Array;

  /** @internal Built by {@link trainAutoencoder} and {@link loadAutoencoder}. */
  constructor(
    model: tf.LayersModel,
    featureNames: readonly string[],
    standardizer: Standardizer,
    calibration: ErrorCalibration,
    training: AutoencoderTrainingInfo,
  ) {
    this.model = model;
    this.featureNames = Object.freeze([...featureNames]);
    this.standardizer = standardizer;
    this.calibration = calibration;
    this.training = training;
    this.net = new DenseForward(denseLayersOf(model));
    this.z = new Float64Array(featureNames.length);
    if (this.net.inputSize !== featureNames.length || this.net.outputSize !== featureNames.length) {
      throw new Error(
        `autoencoder: network is ${this.net.inputSize} → ${this.net.outputSize}, features are ${featureNames.length}`,
      );
    }
  }

  /**
   * Reconstruction error (MSE on standardised features) of one raw feature vector, in the order
   * of {@link featureNames}. With `squaredErrors` (length ≥ features), also writes each feature's
   * squared error there. Allocates nothing. A non-finite feature gives NaN.
   */
  score(row: ArrayLike<number>, squaredErrors?: Float64Array): number {
    this.standardizer.transformInto(row, this.z);
    return this.net.reconstructionError(this.z, squaredErrors);
  }

  /** {@link score} of every row of a matrix. */
  scoreMatrix(matrix: FeatureMatrix): Float64Array {
    this.assertColumns(matrix);
    const out = new Float64Array(matrix.rows);
    const n = matrix.cols;
    for (let r = 0; r < matrix.rows; r++) out[r] = this.score(matrix.data.subarray(r * n, (r + 1) * n));
    return out;
  }

  /**
   * The same scores computed by tfjs (`model.predict` on the whole batch). Slower per row than
   * {@link scoreMatrix} for small batches; kept for cross-checks and benchmarks.
   */
  scoreMatrixWithTfjs(matrix: FeatureMatrix): Float64Array {
    this.assertColumns(matrix);
    const n = matrix.cols;
    const z = new Float32Array(matrix.rows * n);
    for (let r = 0; r < matrix.rows; r++) {
      this.standardizer.transformInto(matrix.data.subarray(r * n, (r + 1) * n), z, r * n);
    }
    const reconstruction = tf.tidy(() => {
      const x = tf.tensor2d(z, [matrix.rows, n]);
      return (this.model.predict(x) as tf.Tensor).dataSync();
    });
    const out = new Float64Array(matrix.rows);
    for (let r = 0; r < matrix.rows; r++) {
      let sum = 0;
      for (let c = 0; c < n; c++) {
        const d = (reconstruction[r * n + c] as number) - (z[r * n + c] as number);
        sum += d * d;
      }
      out[r] = sum / n;
    }
    return out;
  }

  /** What {@link saveAutoencoder} writes into `model.json`'s `userDefinedMetadata`. */
  metadata(): AutoencoderMetadata {
    return writeModelFile(AUTOENCODER_TAG, AUTOENCODER_VERSION, this.featureNames, {
      standardizer: this.standardizer.toJSON(),
      calibration: this.calibration.toJSON(),
      training: structuredClone(this.training),
    });
  }

  /** Frees the tfjs model's tensors. The object must not be used afterwards. */
  dispose(): void {
    this.model.dispose();
  }

  private assertColumns(matrix: FeatureMatrix): void {
    assertMatrixShape(matrix);
    if (matrix.cols !== this.featureNames.length) {
      throw new Error(
        `autoencoder: matrix has ${matrix.cols} columns, the model ${this.featureNames.length} features`,
      );
    }
  }
}

/**
 * Trains an autoencoder on rows of normal logins (a few % of anomalies in them do little harm).
 * Seeded: the same seed and the same rows give byte-identical weights.
 *
 * Steps: fit the standardiser on all rows; draw a seeded sample of at most `maxRows`; train
 * n → hidden… → n with MSE and Adam, each epoch in its own seeded order; measure the
 * reconstruction errors of calibration rows (held-out ones when the sample left some out).
 *
 * @throws when names and columns disagree, a name repeats, a value is not finite, an option is
 * out of range, or the loss becomes NaN.
 */
export async function trainAutoencoder(
  matrix: FeatureMatrix,
  featureNames: readonly string[],
  options: AutoencoderOptions = {},
): Promise<Autoencoder> {
  assertMatrixShape(matrix);
  assertFeatureNames(featureNames, matrix.cols);
  const o = resolveOptions(options);
  await useCpuBackend();

  const n = matrix.cols;
  const standardizer = Standardizer.fit(matrix, featureNames);
  const root = Rng.fromSeed(o.seed);
  const order = permutation(matrix.rows, root.fork('sample'));
  const trainedRows = Math.min(matrix.rows, o.maxRows);

  // Standardised training rows, once; each epoch copies them into its own order.
  const zTrain = new Float32Array(trainedRows * n);
  for (let k = 0; k < trainedRows; k++) {
    const r = order[k] as number;
    standardizer.transformInto(matrix.data.subarray(r * n, (r + 1) * n), zTrain, k * n);
  }

  const model = buildModel(n, o, root);
  model.compile({ optimizer: tf.train.adam(o.learningRate), loss: 'meanSquaredError' });
  const lossHistory: number[] = [];
  try {
    await fitEpochs(model, zTrain, trainedRows, n, o, root, lossHistory);
  } catch (err) {
    model.dispose();
    throw err;
  }

  const net = new DenseForward(denseLayersOf(model));
  const heldOut = matrix.rows - trainedRows;
  const calibrationHeldOut = heldOut > 0;
  const calibrationStart = calibrationHeldOut ? trainedRows : 0;
  const calibrationCount = Math.min(o.calibrationRows, calibrationHeldOut ? heldOut : trainedRows);
  const errors = new Float64Array(calibrationCount);
  const z = new Float64Array(n);
  for (let k = 0; k < calibrationCount; k++) {
    const r = order[calibrationStart + k] as number;
    standardizer.transformInto(matrix.data.subarray(r * n, (r + 1) * n), z);
    errors[k] = net.reconstructionError(z);
  }

  const training: AutoencoderTrainingInfo = {
    seed: o.seed,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    hiddenUnits: [...o.hiddenUnits],
    activation: o.activation,
    rows: matrix.rows,
    trainedRows,
    lossHistory,
    calibrationHeldOut,
  };
  return new Autoencoder(model, featureNames, standardizer, ErrorCalibration.fromErrors(errors), training);
}

/**
 * Writes `dir/model.json` and `dir/weights.bin` in tfjs's Layers format (what `tf.loadLayersModel`,
 * the tfjs converter and Keras tooling read), with loginguard's metadata in `model.json`'s
 * `userDefinedMetadata`: one file describes the whole model, so the standardiser, the feature list
 * and the weights cannot be copied apart. Each file is written to a temporary name and renamed,
 * so a crash never leaves half a file under the real name. Creates `dir` if needed.
 */
export async function saveAutoencoder(autoencoder: Autoencoder, dir: string): Promise<void> {
  const metadata = autoencoder.metadata();
  let saved: { modelJson: tf.io.ModelJSON; weights: ArrayBuffer } | undefined;
  await autoencoder.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!artifacts.weightSpecs || artifacts.weightData === undefined) {
        throw new Error('autoencoder: tfjs produced no weights to save');
      }
      saved = {
        modelJson: {
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy,
          modelTopology: artifacts.modelTopology as object,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
          userDefinedMetadata: metadata as unknown as Record<string, object>,
        },
        weights: tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!saved) throw new Error('autoencoder: tfjs did not call the save handler');
  await mkdir(dir, { recursive: true });
  await writeAtomically(join(dir, WEIGHTS_FILE), new Uint8Array(saved.weights));
  await writeAtomically(join(dir, MODEL_FILE), `${JSON.stringify(saved.modelJson)}\n`);
}

/**
 * Reads a model written by {@link saveAutoencoder}. With `expectedFeatures`, refuses a model
 * trained on another feature list (names or order): its scores would be meaningless.
 * @throws ModelFileError naming what is wrong: missing or unreadable file, wrong tag, unknown
 * version, other features, a standardiser or weights that do not fit.
 */
export async function loadAutoencoder(
  dir: string,
  expectedFeatures?: readonly string[],
): Promise<Autoencoder> {
  const modelPath = join(dir, MODEL_FILE);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await readFile(modelPath, 'utf8')) as tf.io.ModelJSON;
  } catch (err) {
    throw new ModelFileError('(file)', `cannot read ${modelPath}: ${(err as Error).message}`);
  }
  const file = readModelFile(modelJson?.userDefinedMetadata ?? {}, {
    tag: AUTOENCODER_TAG,
    version: AUTOENCODER_VERSION,
    expectedFeatures,
  }) as Partial<AutoencoderMetadata>;
  const names = file.features ?? [];
  if (names.length === 0) throw new ModelFileError('features', 'the model has no features');
  const training = file.training;
  if (typeof training !== 'object' || training === null) throw new ModelFileError('training', 'missing');
  const standardizer = parsePart('standardizer', () => Standardizer.fromJSON(file.standardizer));
  const calibration = parsePart('calibration', () => ErrorCalibration.fromJSON(file.calibration));
  if (standardizer.size !== names.length) {
    throw new ModelFileError('standardizer', `has ${standardizer.size} features, the model ${names.length}`);
  }

  await useCpuBackend();
  const weightsPath = join(dir, WEIGHTS_FILE);
  let model: tf.LayersModel;
  try {
    const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
      const specs = manifest.flatMap((group) => group.weights);
      const paths = manifest.flatMap((group) => group.paths);
      if (paths.length !== 1 || paths[0] !== WEIGHTS_FILE) {
        throw new Error(
          `expected one weights file "${WEIGHTS_FILE}", the manifest lists ${JSON.stringify(paths)}`,
        );
      }
      const bytes = await readFile(weightsPath);
      const expected = specs.reduce((sum, s) => sum + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
      if (bytes.byteLength !== expected || specs.some((s) => s.dtype !== 'float32' || s.quantization)) {
        throw new Error(
          `${weightsPath} has ${bytes.byteLength} bytes, the manifest describes ${expected} (float32)`,
        );
      }
      return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
    });
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw new ModelFileError('weights', (err as Error).message);
  }
  try {
    return new Autoencoder(model, names, standardizer, calibration, training);
  } catch (err) {
    model.dispose();
    throw new ModelFileError('modelTopology', (err as Error).message);
  }
}

/** Runs a part's parser; its error becomes a ModelFileError naming the part. */
function parsePart<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ModelFileError(field, (err as Error).message);
  }
}

/** Runs the epochs, each on the standardised rows in its own seeded order; appends each epoch's loss. */
async function fitEpochs(
  model: tf.Sequential,
  zTrain: Float32Array,
  rows: number,
  n: number,
  o: ReturnType<typeof resolveOptions>,
  root: Rng,
  lossHistory: number[],
): Promise<void> {
  const epochRows = new Float32Array(rows * n);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const epochOrder = permutation(rows, root.fork('epoch', epoch));
    for (let k = 0; k < rows; k++) {
      const src = (epochOrder[k] as number) * n;
      epochRows.set(zTrain.subarray(src, src + n), k * n);
    }
    // tfjs may keep a reference to epochRows rather than copy it: the tensor is disposed before
    // the next epoch overwrites the array.
    const x = tf.tensor2d(epochRows, [rows, n]);
    try {
      const history = await model.fit(x, x, {
        epochs: 1,
        batchSize: o.batchSize,
        shuffle: false,
        verbose: 0,
        yieldEvery: 'never',
      });
      const loss = Number(history.history.loss?.[0]);
      if (!Number.isFinite(loss))
        throw new Error(`autoencoder: training diverged (loss ${loss} at epoch ${epoch})`);
      lossHistory.push(loss);
      o.onEpoch?.(epoch, o.epochs, loss);
    } finally {
      x.dispose();
    }
  }
}

/** Options with defaults applied and checked. */
function resolveOptions(
  options: AutoencoderOptions,
): Required<Omit<AutoencoderOptions, 'onEpoch'>> & Pick<AutoencoderOptions, 'onEpoch'> {
  const o = {
    hiddenUnits: [...(options.hiddenUnits ?? [16, 8, 16])],
    activation: options.activation ?? 'tanh',
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 256,
    learningRate: options.learningRate ?? 0.001,
    seed: options.seed ?? 1,
    maxRows: options.maxRows ?? 200_000,
    calibrationRows: options.calibrationRows ?? 20_000,
    onEpoch: options.onEpoch,
  };
  const positiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;
  if (o.hiddenUnits.length === 0 || !o.hiddenUnits.every(positiveInt)) {
    throw new Error('autoencoder: hiddenUnits must be a non-empty list of positive integers');
  }
  if (o.activation !== 'tanh' && o.activation !== 'relu')
    throw new Error('autoencoder: activation is tanh or relu');
  if (!Number.isInteger(o.epochs) || o.epochs < 0)
    throw new Error('autoencoder: epochs must be an integer ≥ 0');
  if (!positiveInt(o.batchSize)) throw new Error('autoencoder: batchSize must be a positive integer');
  if (!(o.learningRate > 0 && Number.isFinite(o.learningRate))) {
    throw new Error('autoencoder: learningRate must be > 0');
  }
  if (!Number.isSafeInteger(o.seed)) throw new Error('autoencoder: seed must be an integer');
  if (!positiveInt(o.maxRows)) throw new Error('autoencoder: maxRows must be a positive integer');
  if (!positiveInt(o.calibrationRows))
    throw new Error('autoencoder: calibrationRows must be a positive integer');
  return o;
}

function assertFeatureNames(names: readonly string[], cols: number): void {
  if (names.length !== cols)
    throw new Error(`autoencoder: ${names.length} feature names for ${cols} columns`);
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || name === '')
      throw new Error('autoencoder: feature names must be non-empty strings');
    if (seen.has(name)) throw new Error(`autoencoder: feature name ${name} appears twice`);
    seen.add(name);
  }
}

/**
 * n → hidden… → n, dense layers. tanh by default: the inputs are standardised (centred on 0), tanh
 * is symmetric around 0 and has no dead units, whereas a ReLU unit in an 8-wide bottleneck that
 * dies takes an eighth of the code with it, and which one dies depends on the seed. The output
 * is linear because standardised features are not bounded. Layer names are fixed so that the
 * saved file does not depend on how many models the process built before.
 */
function buildModel(n: number, o: ReturnType<typeof resolveOptions>, root: Rng): tf.Sequential {
  const layerSeed = (layer: number): number => root.fork('init', layer).int(0, 2 ** 31 - 2);
  const model = tf.sequential({ name: 'loginguard_autoencoder' });
  o.hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        name: `hidden_${i + 1}`,
        units,
        activation: o.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(i) }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [n] } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      name: 'reconstruction',
      units: n,
      activation: 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(o.hiddenUnits.length) }),
      biasInitializer: 'zeros',
    }),
  );
  return model;
}

/** The dense layers of a tfjs model as plain weights for {@link DenseForward}. */
function denseLayersOf(model: tf.LayersModel): DenseLayerWeights[] {
  return model.layers
    .filter((layer) => layer.getClassName() !== 'InputLayer')
    .map((layer) => {
      const config = layer.getConfig();
      const activation = String(config.activation ?? 'linear');
      if (layer.getClassName() !== 'Dense' || config.useBias === false) {
        throw new Error(
          `layer ${layer.name} is ${layer.getClassName()}; only dense layers with a bias are supported`,
        );
      }
      if (activation !== 'linear' && activation !== 'relu' && activation !== 'tanh') {
        throw new Error(`layer ${layer.name} has activation ${activation}; supported: linear, relu, tanh`);
      }
      // getWeights() returns the layer's own variables' tensors: read, never dispose.
      const [kernel, bias] = layer.getWeights();
      if (!kernel || !bias) throw new Error(`layer ${layer.name} has no kernel or bias`);
      return {
        kernel: kernel.dataSync() as Float32Array,
        bias: bias.dataSync() as Float32Array,
        units: Number(config.units),
        activation: activation as DenseActivation,
      };
    });
}

/** A seeded random order of 0..count-1 (Fisher–Yates). */
function permutation(count: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
