#!/usr/bin/env node
/**
 * Autoencoder: training time on a large matrix, and scoring cost per event of our forward pass
 * (dense-forward) against tfjs model.predict, one row at a time and in batches.
 *
 *   npm run build && node bench/autoencoder.bench.mjs [--rows 1000000] [--features 25]
 *       [--epochs 20] [--batch-size 256] [--max-rows 200000] [--seed 1]
 *
 * Omitted training options take the library's defaults (what the CLI will use). The data are
 * synthetic: features driven by 5 hidden factors (so they are correlated), each with its own
 * offset and scale, two of them non-linear; 2% of rows have 3 of their features taken from another draw
 * (normal marginals, broken correlations: subtle enough that the AUC is not trivially 1). A separate test set (other seed, 100,000 rows)
 * measures what the model learned: held-out loss on normal rows and ROC AUC of normal vs broken.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { trainAutoencoder } from '../dist/detect/models/autoencoder.js';
import { Rng } from '../dist/util/random.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    features: { type: 'string', default: '25' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    'max-rows': { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const ROWS = Number(args.rows);
const COLS = Number(args.features);
const options = {
  seed: Number(args.seed),
  ...(args.epochs ? { epochs: Number(args.epochs) } : {}),
  ...(args['batch-size'] ? { batchSize: Number(args['batch-size']) } : {}),
  ...(args['max-rows'] ? { maxRows: Number(args['max-rows']) } : {}),
};

/** Correlated rows with a share of anomalies; the structure (loadings) is the same for every seed. */
function dataset(count, seed, anomalyRate) {
  const factors = 5;
  const structure = Rng.fromSeed(4242);
  const loadings = Array.from({ length: COLS }, () =>
    Float64Array.from({ length: factors }, () => structure.normal()),
  );
  const offsets = Array.from({ length: COLS }, () => structure.between(-50, 50));
  const scales = Array.from({ length: COLS }, () => 10 ** structure.between(-2, 3));
  const rng = Rng.fromSeed(seed);
  const data = new Float64Array(count * COLS);
  const labels = new Uint8Array(count);
  const f = new Float64Array(factors);
  const row = new Float64Array(COLS);
  const other = new Float64Array(COLS);
  const draw = (out) => {
    for (let k = 0; k < factors; k++) f[k] = rng.normal();
    for (let c = 0; c < COLS; c++) {
      let s = 0;
      for (let k = 0; k < factors; k++) s += loadings[c][k] * f[k];
      if (c % 12 === 11) s = s * Math.abs(s) * 0.3;
      out[c] = s + 0.15 * rng.normal();
    }
  };
  const columns = [...Array(COLS).keys()];
  for (let r = 0; r < count; r++) {
    draw(row);
    if (rng.chance(anomalyRate)) {
      labels[r] = 1;
      draw(other);
      for (const c of rng.sample(columns, 3)) row[c] = other[c];
    }
    for (let c = 0; c < COLS; c++) data[r * COLS + c] = offsets[c] + scales[c] * row[c];
  }
  return { matrix: { rows: count, cols: COLS, data }, labels };
}

function rocAuc(scores, labels) {
  const idx = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let sum = 0;
  let pos = 0;
  idx.forEach((i, rank) => {
    if (labels[i] === 1) {
      sum += rank + 1;
      pos++;
    }
  });
  const neg = scores.length - pos;
  return (sum - (pos * (pos + 1)) / 2) / (pos * neg);
}

const fmt = (x, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = () => `${fmt(process.memoryUsage().rss / 2 ** 20)} MB RSS`;

let t = performance.now();
const train = dataset(ROWS, Number(args.seed), 0.02);
const test = dataset(100_000, Number(args.seed) + 1000, 0.02);
console.log(
  `data: ${fmt(ROWS)} × ${COLS} training rows + 100,000 test rows in ${fmt((performance.now() - t) / 1000, 1)} s, ${mb()}`,
);

t = performance.now();
let last = t;
const names = Array.from({ length: COLS }, (_, c) => `f${c}`);
const ae = await trainAutoencoder(train.matrix, names, {
  ...options,
  onEpoch: (epoch, total, loss) => {
    const now = performance.now();
    console.log(`  epoch ${epoch}/${total}: loss ${loss.toFixed(4)} (${fmt((now - last) / 1000, 1)} s)`);
    last = now;
  },
});
const trainSeconds = (performance.now() - t) / 1000;
const info = ae.training;
console.log(
  `training: ${fmt(trainSeconds, 1)} s wall for ${fmt(info.rows)} rows (${fmt(info.trainedRows)} trained on), ` +
    `${info.epochs} epochs, batch ${info.batchSize}, ${info.hiddenUnits.join('-')} ${info.activation}, ${mb()}`,
);

const testScores = ae.scoreMatrix(test.matrix);
let normalSum = 0;
let normalCount = 0;
test.labels.forEach((label, i) => {
  if (label === 0) {
    normalSum += testScores[i];
    normalCount++;
  }
});
console.log(
  `held-out: normal-row MSE ${(normalSum / normalCount).toFixed(4)}, ROC AUC normal vs broken ${rocAuc(testScores, test.labels).toFixed(4)}`,
);

/** µs per row of `fn` run over `count` rows, after a warm-up. */
function perRow(count, fn) {
  fn(Math.min(count, 1000));
  const start = performance.now();
  fn(count);
  return ((performance.now() - start) * 1000) / count;
}
const n = COLS;
const rowOf = (r) => test.matrix.data.subarray(r * n, (r + 1) * n);
let sink = 0;
const ours = perRow(100_000, (count) => {
  for (let r = 0; r < count; r++) sink += ae.score(rowOf(r));
});
const perFeature = new Float64Array(n);
const oursExplained = perRow(100_000, (count) => {
  for (let r = 0; r < count; r++) sink += ae.score(rowOf(r), perFeature);
});
const single = (r) => ({ rows: 1, cols: n, data: rowOf(r) });
const tfSingle = perRow(3_000, (count) => {
  for (let r = 0; r < count; r++) sink += ae.scoreMatrixWithTfjs(single(r))[0];
});
const batchOf = (size) => (count) => {
  for (let start = 0; start + size <= count; start += size) {
    const m = { rows: size, cols: n, data: test.matrix.data.subarray(start * n, (start + size) * n) };
    sink += ae.scoreMatrixWithTfjs(m)[0];
  }
};
const tfBatch100 = perRow(20_000, batchOf(100));
const tfBatch10k = perRow(100_000, batchOf(10_000));
console.log('scoring, µs per event (standardise + reconstruct + MSE, one thread):');
console.log(`  dense-forward, one row per call:          ${fmt(ours, 2)}`);
console.log(`  dense-forward, with per-feature errors:   ${fmt(oursExplained, 2)}`);
console.log(`  tfjs predict, one row per call:           ${fmt(tfSingle, 1)}`);
console.log(`  tfjs predict, batches of 100:             ${fmt(tfBatch100, 2)}`);
console.log(`  tfjs predict, batches of 10,000:          ${fmt(tfBatch10k, 2)}`);
console.log(
  `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, Node ${process.version}${sink === 0.5 ? ' ' : ''}`,
);
ae.dispose();
