import SVM from 'libsvm-js/asm.js';
import { describe, expect, it } from 'vitest';
import { LogisticRegressionModel } from '../../src/train/supervised/logistic-regression-model.js';
import { NeuralNetworkModel } from '../../src/train/supervised/neural-network-model.js';
import { RandomForestModel } from '../../src/train/supervised/random-forest-model.js';
import { rankingMetrics } from '../../src/train/supervised/ranking-metrics.js';
import type { LabelledMatrix, SupervisedModel } from '../../src/train/supervised/supervised-model.js';
import { decisionValue, parseLibsvmModel, SvmModel } from '../../src/train/supervised/svm-model.js';
import { trainingSample } from '../../src/train/supervised/training-sample.js';
import { Rng } from '../../src/util/random.js';

const COLS = 6;

/**
 * A clearly separable problem shaped like login data: 6% attacks, standardised-looking features.
 * Attacks sit apart on two features (as a new device and many failures would) and the class is
 * not a single threshold on one column, so a model must combine features.
 */
function synthetic(rows: number, seed: number): LabelledMatrix {
  const rng = Rng.fromSeed(seed);
  const data = new Float64Array(rows * COLS);
  const labels = new Uint8Array(rows);
  const success = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const attack = rng.chance(0.06);
    labels[r] = attack ? 1 : 0;
    success[r] = rng.chance(attack ? 0.2 : 0.95) ? 1 : 0;
    for (let c = 0; c < COLS; c++) data[r * COLS + c] = rng.normal();
    if (attack) {
      data[r * COLS] = (data[r * COLS] as number) + 3;
      data[r * COLS + 1] = (data[r * COLS + 1] as number) - 3;
    }
  }
  return { rows, cols: COLS, data, labels, success };
}

function scoreAll(model: SupervisedModel, m: LabelledMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) out[r] = model.score(m.data.subarray(r * COLS, (r + 1) * COLS));
  return out;
}

const train = synthetic(700, 1);
const test = synthetic(700, 2);

const ADAPTERS: [string, () => SupervisedModel][] = [
  ['logistic_regression', () => new LogisticRegressionModel({ steps: 150 })],
  ['random_forest', () => new RandomForestModel({ trees: 8, maxRows: 300 })],
  ['svm_rbf', () => new SvmModel()],
  ['svm_linear', () => new SvmModel({ kernel: 'linear' })],
  ['neural_network', () => new NeuralNetworkModel({ epochs: 8, batchSize: 64, learningRate: 0.01 })],
];

describe.each(ADAPTERS)('%s', (name, make) => {
  it('learns a clearly separable problem (ROC-AUC > 0.9 on rows it never saw) and reports its fit', async () => {
    const model = make();
    expect(model.name).toBe(name);
    expect(() => model.score(new Float64Array(COLS))).toThrow(/before fit/);
    const report = await model.fit(train, 7);
    expect(report.attacks).toBeGreaterThan(0);
    expect(report.attacks).toBeLessThan(report.rows);
    expect(report.balancing).not.toBe('');
    const m = rankingMetrics(scoreAll(model, test), test.labels);
    expect(m.positives).toBeGreaterThan(20);
    expect(m.rocAuc).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('gives the same scores for the same seed', async () => {
    const a = make();
    const b = make();
    await a.fit(train, 11);
    await b.fit(train, 11);
    expect(Array.from(scoreAll(a, test))).toEqual(Array.from(scoreAll(b, test)));
    a.dispose();
    b.dispose();
  });

  it('refuses rows of one class, saying so', async () => {
    const benignOnly: LabelledMatrix = { ...train, labels: new Uint8Array(train.rows) };
    await expect(make().fit(benignOnly, 1)).rejects.toThrow(/one class only.*all benign/);
  });
});

describe('seeds that matter', () => {
  it('another seed grows another forest and another network', async () => {
    for (const make of [
      () => new RandomForestModel({ trees: 8, maxRows: 300 }),
      () => new NeuralNetworkModel({ epochs: 2, batchSize: 64 }),
    ]) {
      const a = make();
      const b = make();
      await a.fit(train, 1);
      await b.fit(train, 2);
      expect(Array.from(scoreAll(a, test))).not.toEqual(Array.from(scoreAll(b, test)));
    }
  });
});

describe('SVM decision values read from the saved model', () => {
  it('have the sign of libsvm’s own prediction on every row', () => {
    for (const kernel of [SVM.KERNEL_TYPES.RBF, SVM.KERNEL_TYPES.LINEAR]) {
      const svm = new SVM({ kernel, cost: 1, quiet: true });
      const rows: number[][] = [];
      const labels: number[] = [];
      for (let r = 0; r < 300; r++) {
        rows.push(Array.from(train.data.subarray(r * COLS, (r + 1) * COLS)));
        labels.push(train.labels[r] as number);
      }
      svm.train(rows, labels);
      const decision = parseLibsvmModel(svm.serializeModel(), COLS);
      let disagree = 0;
      for (let r = 0; r < test.rows; r++) {
        const row = Array.from(test.data.subarray(r * COLS, (r + 1) * COLS));
        const d = decisionValue(decision, row);
        // A value within rounding of 0 may fall either side (the saved vectors have 8 digits).
        if (Math.abs(d) > 1e-6 && (d > 0 ? 1 : 0) !== svm.predictOne(row)) disagree++;
      }
      svm.free();
      expect(disagree).toBe(0);
    }
  });
});

describe('trainingSample', () => {
  it('keeps successful attacks first, then other attacks up to half the rows, and fills with benign', () => {
    const sample = trainingSample(train, 100, Rng.fromSeed(3));
    expect(sample.indices.length).toBe(100);
    let successfulAttacks = 0;
    for (let r = 0; r < train.rows; r++)
      successfulAttacks += train.labels[r] === 1 && train.success[r] === 1 ? 1 : 0;
    const kept = Array.from(sample.indices);
    const keptSuccessfulAttacks = kept.filter((r) => train.labels[r] === 1 && train.success[r] === 1).length;
    expect(keptSuccessfulAttacks).toBe(successfulAttacks);
    expect(sample.attacks).toBe(kept.filter((r) => train.labels[r] === 1).length);
    expect(sample.attacks).toBeLessThanOrEqual(50);
    expect(sample.benign).toBe(100 - sample.attacks);
    expect(sample.attackWeight).toBeCloseTo(sample.benign / sample.attacks, 10);
    expect(new Set(kept).size).toBe(100);
  });
});
