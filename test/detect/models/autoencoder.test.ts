import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTOENCODER_TAG,
  type Autoencoder,
  loadAutoencoder,
  saveAutoencoder,
  trainAutoencoder,
} from '../../../src/detect/models/autoencoder.js';
import { ModelFileError } from '../../../src/detect/models/model-file.js';
import { correlatedRows, type LabelledRows, rocAuc } from './correlated-rows.js';

const TRAIN = { epochs: 30, batchSize: 64, seed: 11 };

let dir: string;
let train: LabelledRows;
let test: LabelledRows;
let ae: Autoencoder;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lg-autoencoder-'));
  train = correlatedRows(4000, { seed: 1, anomalyRate: 0.03 });
  test = correlatedRows(4000, { seed: 2, anomalyRate: 0.03 });
  ae = await trainAutoencoder(train.matrix, train.names, TRAIN);
});

afterAll(async () => {
  ae?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Standardised rows of a matrix, as tfjs's input. */
function standardised(model: Autoencoder, rows: LabelledRows): Float32Array {
  const n = rows.matrix.cols;
  const z = new Float32Array(rows.matrix.rows * n);
  for (let r = 0; r < rows.matrix.rows; r++) {
    model.standardizer.transformInto(rows.matrix.data.subarray(r * n, (r + 1) * n), z, r * n);
  }
  return z;
}

/** Largest |ours - tfjs| over every output value of every row. */
function maxForwardDifference(model: Autoencoder, rows: LabelledRows): number {
  const n = rows.matrix.cols;
  const z = standardised(model, rows);
  const predicted = tf.tidy(() =>
    (model.model.predict(tf.tensor2d(z, [rows.matrix.rows, n])) as tf.Tensor).dataSync(),
  );
  let worst = 0;
  for (let r = 0; r < rows.matrix.rows; r++) {
    const ours = model.net.forward(z.subarray(r * n, (r + 1) * n));
    for (let c = 0; c < n; c++) {
      worst = Math.max(worst, Math.abs((ours[c] as number) - (predicted[r * n + c] as number)));
    }
  }
  return worst;
}

describe('trainAutoencoder', () => {
  it('gives rows that break the usual correlations a higher reconstruction error', () => {
    const auc = rocAuc(ae.scoreMatrix(test.matrix), test.labels);
    expect(auc).toBeGreaterThan(0.9);
  });

  it('owes that to training: the same network untrained ranks anomalies near chance', async () => {
    const untrained = await trainAutoencoder(train.matrix, train.names, { ...TRAIN, epochs: 0 });
    try {
      expect(rocAuc(untrained.scoreMatrix(test.matrix), test.labels)).toBeLessThan(0.75);
    } finally {
      untrained.dispose();
    }
  });

  it('reports progress once per epoch, with a falling loss', async () => {
    const calls: [number, number, number][] = [];
    const model = await trainAutoencoder(train.matrix, train.names, {
      epochs: 4,
      seed: 3,
      onEpoch: (epoch, total, loss) => calls.push([epoch, total, loss]),
    });
    model.dispose();
    expect(calls.map(([e, t]) => [e, t])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(calls[3]?.[2]).toBeLessThan(calls[0]?.[2] as number);
    expect(model.training.lossHistory).toEqual(calls.map(([, , loss]) => loss));
  });

  it('refuses names that do not match the columns and values that are not finite', async () => {
    await expect(trainAutoencoder(train.matrix, train.names.slice(1))).rejects.toThrow(
      /11 feature names for 12/,
    );
    const data = Float64Array.from(train.matrix.data);
    data[5 * 12 + 3] = Number.NaN;
    await expect(trainAutoencoder({ ...train.matrix, data }, train.names)).rejects.toThrow(
      /feature f3 is NaN in row 5/,
    );
  });

  it('trains on a seeded sample when there are more rows than maxRows, calibrating on rows left out', async () => {
    const model = await trainAutoencoder(train.matrix, train.names, { epochs: 1, maxRows: 1000, seed: 5 });
    model.dispose();
    expect(model.training).toMatchObject({ rows: 4000, trainedRows: 1000, calibrationHeldOut: true });
    expect(model.calibration.rows).toBe(3000);
  });
});

describe('calibration', () => {
  it('ranks fresh rows of the training population uniformly, anomalies near the top', () => {
    // The calibration rows are training rows, anomalies included (3% here, as in the test set):
    // rank r means "a share r of such rows score lower", so ranks of fresh rows are uniform.
    const ranks = Array.from(ae.scoreMatrix(test.matrix), (e) => ae.calibration.rank(e));
    const above = (xs: number[], p: number): number => xs.filter((x) => x > p).length / xs.length;
    expect(above(ranks, 0.5)).toBeGreaterThan(0.45);
    expect(above(ranks, 0.5)).toBeLessThan(0.55);
    expect(above(ranks, 0.9)).toBeGreaterThan(0.07);
    expect(above(ranks, 0.9)).toBeLessThan(0.13);
    expect(above(ranks, 0.99)).toBeGreaterThan(0.003);
    expect(above(ranks, 0.99)).toBeLessThan(0.025);
    const anomalous = ranks.filter((_, i) => test.labels[i] === 1);
    expect(above(anomalous, 0.95)).toBeGreaterThan(0.8);
  });

  it('keeps the score rank in 0..1 for any error', () => {
    expect(ae.calibration.rank(0)).toBe(0);
    expect(ae.calibration.rank(1e9)).toBe(1);
    expect(ae.calibration.rank(ae.calibration.quantile(0.9))).toBeCloseTo(0.9, 9);
  });
});

describe('dense forward pass', () => {
  it('matches tfjs model.predict to 1e-5 on every output value (tanh)', () => {
    expect(maxForwardDifference(ae, test)).toBeLessThan(1e-5);
  });

  it('matches tfjs model.predict to 1e-5 on every output value (relu, other sizes)', async () => {
    const relu = await trainAutoencoder(train.matrix, train.names, {
      activation: 'relu',
      hiddenUnits: [24, 6, 24],
      epochs: 3,
      seed: 4,
    });
    try {
      expect(maxForwardDifference(relu, test)).toBeLessThan(1e-5);
    } finally {
      relu.dispose();
    }
  });

  it('gives the same scores as tfjs on whole batches', () => {
    const ours = ae.scoreMatrix(test.matrix);
    const theirs = ae.scoreMatrixWithTfjs(test.matrix);
    for (let r = 0; r < ours.length; r++) {
      expect(Math.abs((ours[r] as number) - (theirs[r] as number))).toBeLessThan(
        1e-5 * (1 + (theirs[r] as number)),
      );
    }
  });

  it('says which feature reconstructs worst when one feature is pushed 10 standard deviations off', () => {
    const n = test.matrix.cols;
    const perFeature = new Float64Array(n);
    let normal = 0;
    for (let r = 0; r < 100; r++) {
      if (test.labels[r] === 1) continue;
      normal++;
      const row = Float64Array.from(test.matrix.data.subarray(r * n, (r + 1) * n));
      const target = r % n;
      row[target] = (row[target] as number) + 10 * (ae.standardizer.scales[target] as number);
      const mse = ae.score(row, perFeature);
      expect(perFeature.indexOf(Math.max(...perFeature))).toBe(target);
      expect(mse).toBeCloseTo(perFeature.reduce((a, b) => a + b, 0) / n, 12);
    }
    expect(normal).toBeGreaterThan(90);
  });
});

describe('determinism', () => {
  it('gives byte-identical files for the same seed and data, different weights for another seed', async () => {
    const options = { epochs: 3, seed: 21 };
    const files = async (seed: number, name: string): Promise<[Buffer, Buffer]> => {
      const model = await trainAutoencoder(train.matrix, train.names, { ...options, seed });
      await saveAutoencoder(model, join(dir, name));
      model.dispose();
      return [await readFile(join(dir, name, 'model.json')), await readFile(join(dir, name, 'weights.bin'))];
    };
    const [jsonA, weightsA] = await files(21, 'det-a');
    const [jsonB, weightsB] = await files(21, 'det-b');
    const [, weightsC] = await files(22, 'det-c');
    expect(weightsB.equals(weightsA)).toBe(true);
    expect(jsonB.equals(jsonA)).toBe(true);
    expect(weightsC.equals(weightsA)).toBe(false);
  });
});

describe('saveAutoencoder / loadAutoencoder', () => {
  let saved: string;

  beforeAll(async () => {
    saved = join(dir, 'saved');
    await saveAutoencoder(ae, saved);
  });

  it('writes the tfjs Layers format with our metadata inside model.json', async () => {
    const json = JSON.parse(await readFile(join(saved, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.userDefinedMetadata).toMatchObject({
      tag: AUTOENCODER_TAG,
      version: 1,
      features: train.names,
    });
    // The standard loader reads it too (the metadata rides along untouched).
    const weights = await readFile(join(saved, 'weights.bin'));
    const plain = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    expect(plain.inputs[0]?.shape).toEqual([null, 12]);
    plain.dispose();
  });

  it('loads a model that scores exactly as the one saved', async () => {
    const loaded = await loadAutoencoder(saved, train.names);
    try {
      expect(loaded.featureNames).toEqual(train.names);
      expect(loaded.training).toEqual(ae.training);
      expect(loaded.calibration.toJSON()).toEqual(ae.calibration.toJSON());
      expect(Array.from(loaded.scoreMatrix(test.matrix))).toEqual(Array.from(ae.scoreMatrix(test.matrix)));
      expect(Array.from(loaded.scoreMatrixWithTfjs(test.matrix))).toEqual(
        Array.from(ae.scoreMatrixWithTfjs(test.matrix)),
      );
    } finally {
      loaded.dispose();
    }
  });

  /** A copy of the saved model with model.json's metadata edited. */
  async function variant(name: string, edit: (meta: Record<string, unknown>) => void): Promise<string> {
    const target = join(dir, name);
    await saveAutoencoder(ae, target);
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    edit(json.userDefinedMetadata);
    await writeFile(join(target, 'model.json'), JSON.stringify(json));
    return target;
  }

  it('rejects a file of another kind of model', async () => {
    const other = await variant('wrong-tag', (m) => {
      m.tag = 'loginguard.isolation-forest';
    });
    await expect(loadAutoencoder(other)).rejects.toThrow(ModelFileError);
    await expect(loadAutoencoder(other)).rejects.toThrow(
      /expected 'loginguard.autoencoder'.*not this kind of model/,
    );
  });

  it('rejects a tfjs model without our metadata', async () => {
    const bare = await variant('bare', (m) => {
      for (const key of Object.keys(m)) delete m[key];
    });
    await expect(loadAutoencoder(bare)).rejects.toThrow(
      /tag: expected 'loginguard.autoencoder', got nothing/,
    );
  });

  it('rejects a version this build cannot read', async () => {
    const newer = await variant('wrong-version', (m) => {
      m.version = 2;
    });
    await expect(loadAutoencoder(newer)).rejects.toThrow(
      /version 2 cannot be read; this build reads version 1/,
    );
  });

  it('rejects a model trained on other features, or on the same ones in another order', async () => {
    const renamed = [...train.names];
    renamed[4] = 'hour_of_week';
    await expect(loadAutoencoder(saved, renamed)).rejects.toThrow(
      /features: .*position 4: model has 'f4', caller expects 'hour_of_week'/,
    );
    const swapped = [...train.names];
    [swapped[0], swapped[1]] = [swapped[1] as string, swapped[0] as string];
    await expect(loadAutoencoder(saved, swapped)).rejects.toThrow(
      /position 0: model has 'f0', caller expects 'f1'/,
    );
    await expect(loadAutoencoder(saved, [...train.names, 'extra'])).rejects.toThrow(
      /12 features and the caller has 13/,
    );
  });

  it('rejects a missing directory and truncated weights, naming the file', async () => {
    await expect(loadAutoencoder(join(dir, 'nowhere'))).rejects.toThrow(/cannot read .*nowhere\/model.json/);
    const truncated = await variant('truncated', () => {});
    const weights = await readFile(join(truncated, 'weights.bin'));
    await writeFile(join(truncated, 'weights.bin'), weights.subarray(0, weights.length - 8));
    await expect(loadAutoencoder(truncated)).rejects.toThrow(
      /weights.bin has \d+ bytes, the manifest describes/,
    );
  });

  it('rejects a standardiser that does not fit the features', async () => {
    const broken = await variant('bad-standardizer', (m) => {
      (m.standardizer as { scales: number[] }).scales[2] = 0;
    });
    await expect(loadAutoencoder(broken)).rejects.toThrow(/standardizer: .*scales > 0/);
  });
});
