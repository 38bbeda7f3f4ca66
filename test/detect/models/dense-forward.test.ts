import { describe, expect, it } from 'vitest';
import { DenseForward } from '../../../src/detect/models/dense-forward.js';

// 2 → 2 (tanh) → 2 (linear), small enough to work out by hand.
const layers = [
  {
    // kernel[i * units + j]: input i to unit j
    kernel: Float32Array.from([0.5, -1, 2, 0.25]),
    bias: Float32Array.from([0.1, 0]),
    units: 2,
    activation: 'tanh' as const,
  },
  {
    kernel: Float32Array.from([1, 0, 0, -2]),
    bias: Float32Array.from([0, 0.5]),
    units: 2,
    activation: 'linear' as const,
  },
];

describe('DenseForward', () => {
  it('computes activation(input · kernel + bias) layer after layer', () => {
    const net = new DenseForward(layers);
    const h0 = Math.tanh(1 * 0.5 + 3 * 2 + 0.1);
    const h1 = Math.tanh(1 * -1 + 3 * 0.25);
    const out = net.forward([1, 3]);
    expect(out[0]).toBeCloseTo(h0, 6);
    expect(out[1]).toBeCloseTo(-2 * h1 + 0.5, 6);
    expect([net.inputSize, net.outputSize]).toEqual([2, 2]);
  });

  it('returns the mean squared reconstruction error and, when asked, each feature’s share', () => {
    const net = new DenseForward(layers);
    const x = [1, 3];
    const out = Array.from(net.forward(x));
    const squared = new Float64Array(2);
    const mse = net.reconstructionError(x, squared);
    expect(squared[0]).toBeCloseTo(((out[0] as number) - 1) ** 2, 12);
    expect(squared[1]).toBeCloseTo(((out[1] as number) - 3) ** 2, 12);
    expect(mse).toBeCloseTo(((squared[0] as number) + (squared[1] as number)) / 2, 12);
  });

  it('applies relu', () => {
    const net = new DenseForward([
      { kernel: Float32Array.from([1, -1]), bias: Float32Array.from([0, 0]), units: 2, activation: 'relu' },
    ]);
    expect(Array.from(net.forward([2]))).toEqual([2, 0]);
  });

  it('refuses layers whose shapes do not chain', () => {
    expect(() => new DenseForward([])).toThrow(/no layers/);
    const bad = { ...layers[1], kernel: new Float32Array(6), units: 2 } as (typeof layers)[number];
    expect(() => new DenseForward([layers[0] as (typeof layers)[number], bad])).toThrow(
      /layer 1 has kernel 6/,
    );
  });

  it('refuses a reconstruction error when output and input sizes differ', () => {
    const net = new DenseForward([
      { kernel: new Float32Array(6), bias: new Float32Array(3), units: 3, activation: 'linear' },
    ]);
    expect(() => net.reconstructionError([1, 2])).toThrow(/output size 3 differs from input size 2/);
  });
});
