import * as tf from '@tensorflow/tfjs';
import { DenseForward, type DenseLayerWeights } from '../../detect/models/dense-forward.js';
import { Rng } from '../../util/random.js';
import { libraryVersion } from './library-version.js';
import type { FitReport, LabelledMatrix, SupervisedModel } from './supervised-model.js';
import { trainingSample } from './training-sample.js';

/** Options of {@link NeuralNetworkModel}; every field has a default. */
export interface NeuralNetworkOptions {
  /** Hidden layer sizes. Default `[32, 16]`. */
  hiddenUnits?: readonly number[];
  /** Passes over the training rows. Default 15. */
  epochs?: number;
  /** Rows per Adam step. Default 256. */
  batchSize?: number;
  /** Adam's step size. Default 0.001. */
  learningRate?: number;
  /** Most rows trained on (a stratified seeded sample); time is linear in rows × epochs. Default 50,000. */
  maxRows?: number;
}

/**
 * A small neural network (tfjs, 'cpu' backend): standardised features → dense tanh layers →
 * one sigmoid unit, trained with Adam on binary cross-entropy, the attack class weighted
 * benign/attack rows (`classWeight`). Seeded: initial weights (Glorot, one seed per layer) and
 * every epoch's row order come from the seed, and the cpu backend is chosen explicitly (another
 * backend sums in another order), so the same seed gives the same weights.
 *
 * Scoring does not go through tfjs (hundreds of µs per call): the weights are copied into a
 * {@link DenseForward}, with the output unit left linear; the score is the logit, which orders
 * rows as the probability does without saturating at 1.
 */
export class NeuralNetworkModel implements SupervisedModel {
  readonly name = 'neural_network';
  readonly library = `${libraryVersion('@tensorflow/tfjs')} (cpu backend)`;
  private readonly options: Required<NeuralNetworkOptions>;
  private net: DenseForward | undefined;

  constructor(options: NeuralNetworkOptions = {}) {
    this.options = {
      hiddenUnits: [32, 16],
      epochs: 15,
      batchSize: 256,
      learningRate: 0.001,
      maxRows: 50_000,
      ...options,
    };
    const o = this.options;
    if (o.hiddenUnits.length === 0 || !o.hiddenUnits.every((u) => Number.isInteger(u) && u > 0)) {
      throw new Error('neural network: hiddenUnits must be a non-empty list of positive integers');
    }
  }

  async fit(train: LabelledMatrix, seed: number): Promise<FitReport> {
    const o = this.options;
    await selectCpuBackend();
    const rng = Rng.fromSeed(seed).fork('neural-network');
    const sample = trainingSample(train, o.maxRows, rng);
    const n = train.cols;
    const count = sample.indices.length;

    const model = tf.sequential();
    o.hiddenUnits.forEach((units, i) => {
      model.add(
        tf.layers.dense({
          units,
          activation: 'tanh',
          kernelInitializer: tf.initializers.glorotUniform({ seed: rng.fork('init', i).int(0, 2 ** 31 - 2) }),
          ...(i === 0 ? { inputShape: [n] } : {}),
        }),
      );
    });
    model.add(
      tf.layers.dense({
        units: 1,
        activation: 'sigmoid',
        kernelInitializer: tf.initializers.glorotUniform({
          seed: rng.fork('init', o.hiddenUnits.length).int(0, 2 ** 31 - 2),
        }),
      }),
    );
    model.compile({ optimizer: tf.train.adam(o.learningRate), loss: 'binaryCrossentropy' });

    const x = new Float32Array(count * n);
    const y = new Float32Array(count);
    const lossHistory: number[] = [];
    try {
      for (let epoch = 1; epoch <= o.epochs; epoch++) {
        const order = permutation(count, rng.fork('epoch', epoch));
        for (let k = 0; k < count; k++) {
          const r = sample.indices[order[k] as number] as number;
          x.set(train.data.subarray(r * n, (r + 1) * n), k * n);
          y[k] = train.labels[r] as number;
        }
        const xs = tf.tensor2d(x, [count, n]);
        const ys = tf.tensor2d(y, [count, 1]);
        try {
          const history = await model.fit(xs, ys, {
            epochs: 1,
            batchSize: o.batchSize,
            shuffle: false,
            verbose: 0,
            yieldEvery: 'never',
            classWeight: { 0: 1, 1: sample.attackWeight },
          });
          const loss = Number(history.history.loss?.[0]);
          if (!Number.isFinite(loss)) throw new Error(`neural network: training diverged at epoch ${epoch}`);
          lossHistory.push(loss);
        } finally {
          xs.dispose();
          ys.dispose();
        }
      }
      this.net = new DenseForward(logitLayers(model));
    } finally {
      model.dispose();
    }
    return {
      rows: count,
      attacks: sample.attacks,
      balancing: `class weight 1:${Math.round(sample.attackWeight * 100) / 100} (tfjs classWeight)`,
      params: {
        hiddenUnits: o.hiddenUnits.join('-'),
        activation: 'tanh',
        epochs: o.epochs,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        finalLoss: Math.round((lossHistory.at(-1) ?? Number.NaN) * 1e5) / 1e5,
      },
    };
  }

  score(row: ArrayLike<number>): number {
    if (!this.net) throw new Error('neural network: score() before fit()');
    return this.net.forward(row)[0] as number;
  }

  dispose(): void {
    this.net = undefined;
  }
}

let cpuBackend: Promise<void> | undefined;

/** tfjs's pure-JS backend, explicitly: the same seed must give the same weights (see autoencoder.ts). */
function selectCpuBackend(): Promise<void> {
  cpuBackend ??= (async () => {
    tf.enableProdMode();
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend failed to initialise');
    await tf.ready();
  })();
  return cpuBackend;
}

/** The model's dense layers as plain weights, the sigmoid output made linear (its input, the logit). */
function logitLayers(model: tf.LayersModel): DenseLayerWeights[] {
  const layers = model.layers.filter((layer) => layer.getClassName() === 'Dense');
  return layers.map((layer, i) => {
    // getWeights() returns the layer's own variables: read, never dispose.
    const [kernel, bias] = layer.getWeights();
    if (!kernel || !bias) throw new Error(`neural network: layer ${layer.name} has no kernel or bias`);
    return {
      kernel: Float32Array.from(kernel.dataSync()),
      bias: Float32Array.from(bias.dataSync()),
      units: Number(layer.getConfig().units),
      activation: i === layers.length - 1 ? 'linear' : 'tanh',
    };
  });
}

/** A seeded random order of 0..count−1 (Fisher–Yates). */
function permutation(count: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}
