/** Activations the forward pass knows; the names are Keras/tfjs's. */
export type DenseActivation = 'linear' | 'relu' | 'tanh';

/** One trained dense layer: `activation(input · kernel + bias)`. */
export interface DenseLayerWeights {
  /** `inputSize × units`, row-major: `kernel[i * units + j]` links input i to unit j (tfjs's layout). */
  kernel: Float32Array | Float64Array;
  bias: Float32Array | Float64Array;
  units: number;
  activation: DenseActivation;
}

const LINEAR = 0;
const RELU = 1;
const TANH = 2;
const ACTIVATION_CODES: Record<DenseActivation, number> = { linear: LINEAR, relu: RELU, tanh: TANH };

/**
 * A stack of dense layers evaluated one row at a time, with no allocation per call: the weights
 * are copied once into float64 arrays (transposed so each unit is one contiguous dot product)
 * and every activation has a preallocated buffer. tfjs's `model.predict` costs hundreds of µs per
 * call in dispatch, tensor bookkeeping and promise-free-but-allocating kernels; scoring one login
 * must cost a few µs.
 *
 * Sums run in float64 over the float32 weights, so outputs agree with tfjs (float32 throughout)
 * to about 1e-6. Not re-entrant: one instance per thread, and the array `forward` returns is
 * overwritten by the next call.
 *
 * @example
 * const net = new DenseForward(layers);      // once, at load
 * const mse = net.reconstructionError(z);   // per event; z already standardised
 * net.reconstructionError(z, perFeature);   // also fills the squared error of every feature
 */
export class DenseForward {
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly weights: Float64Array[];
  private readonly biases: Float64Array[];
  private readonly fanIns: number[];
  private readonly activations: number[];
  private readonly buffers: Float64Array[];

  /** @throws when there is no layer or the shapes do not chain. */
  constructor(layers: readonly DenseLayerWeights[]) {
    const first = layers[0];
    if (!first) throw new Error('DenseForward: no layers');
    this.inputSize = first.kernel.length / first.units;
    this.weights = [];
    this.biases = [];
    this.fanIns = [];
    this.activations = [];
    this.buffers = [new Float64Array(this.inputSize)];
    let fanIn = this.inputSize;
    layers.forEach((layer, l) => {
      const { kernel, bias, units, activation } = layer;
      if (!Number.isInteger(fanIn) || kernel.length !== fanIn * units || bias.length !== units) {
        throw new Error(
          `DenseForward: layer ${l} has kernel ${kernel.length} and bias ${bias.length} values for ${fanIn} inputs × ${units} units`,
        );
      }
      const code = ACTIVATION_CODES[activation];
      if (code === undefined)
        throw new Error(`DenseForward: layer ${l} has unsupported activation ${activation}`);
      const transposed = new Float64Array(units * fanIn);
      for (let i = 0; i < fanIn; i++) {
        for (let j = 0; j < units; j++) transposed[j * fanIn + i] = kernel[i * units + j] as number;
      }
      this.weights.push(transposed);
      this.biases.push(Float64Array.from(bias));
      this.fanIns.push(fanIn);
      this.activations.push(code);
      this.buffers.push(new Float64Array(units));
      fanIn = units;
    });
    this.outputSize = fanIn;
  }

  /** The network's output for one input row. The returned array is reused by the next call. */
  forward(input: ArrayLike<number>): Float64Array {
    const x0 = this.buffers[0] as Float64Array;
    for (let i = 0; i < this.inputSize; i++) x0[i] = input[i] as number;
    let x = x0;
    for (let l = 0; l < this.weights.length; l++) {
      const w = this.weights[l] as Float64Array;
      const b = this.biases[l] as Float64Array;
      const y = this.buffers[l + 1] as Float64Array;
      const fanIn = this.fanIns[l] as number;
      const act = this.activations[l] as number;
      for (let j = 0; j < y.length; j++) {
        let sum = b[j] as number;
        const row = j * fanIn;
        for (let i = 0; i < fanIn; i++) sum += (x[i] as number) * (w[row + i] as number);
        y[j] = act === TANH ? Math.tanh(sum) : act === RELU ? Math.max(sum, 0) : sum;
      }
      x = y;
    }
    return x;
  }

  /**
   * Mean squared difference between the input and the network's output (for an autoencoder: the
   * reconstruction error, the anomaly score). With `squaredErrors` (length ≥ inputSize), also
   * writes each feature's squared error there, to say which features reconstruct worst.
   * @throws when the network's output size differs from its input size (not an autoencoder).
   */
  reconstructionError(input: ArrayLike<number>, squaredErrors?: Float64Array): number {
    if (this.outputSize !== this.inputSize) {
      throw new Error(
        `DenseForward: output size ${this.outputSize} differs from input size ${this.inputSize}`,
      );
    }
    const out = this.forward(input);
    const x0 = this.buffers[0] as Float64Array;
    let total = 0;
    for (let i = 0; i < this.inputSize; i++) {
      const d = (out[i] as number) - (x0[i] as number);
      const sq = d * d;
      if (squaredErrors) squaredErrors[i] = sq;
      total += sq;
    }
    return total / this.inputSize;
  }
}
