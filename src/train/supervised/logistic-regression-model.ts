import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { Rng } from '../../util/random.js';
import { libraryVersion } from './library-version.js';
import type { FitReport, LabelledMatrix, SupervisedModel } from './supervised-model.js';
import { sampleRows, trainingSample } from './training-sample.js';

/** Options of {@link LogisticRegressionModel}; every field has a default. */
export interface LogisticRegressionOptions {
  /**
   * Most rows trained on (a stratified seeded sample). The library does full-batch gradient
   * steps with ml-matrix, two classifiers at a time: time is rows × steps. Default 10,000.
   */
  maxRows?: number;
  /** Gradient steps. Default 300. */
  steps?: number;
  /**
   * Step size on the mean gradient. The library sums the gradient over rows, so its learning
   * rate is this divided by the number of rows: the step stays the same whatever the row count
   * (its default, 5e-4 on the sum, grows with the rows). Default 1.
   */
  stepSize?: number;
}

/**
 * Logistic regression (ml-logistic-regression): a linear score w·x + b on the standardised
 * features, fitted by gradient ascent on the log-likelihood. The library has no intercept, so a
 * constant 1 column is appended; no class weights either, so attack rows are replicated to
 * balance the classes. The score is the linear term (the logit): monotone in the probability,
 * and it never saturates at 1.0 the way a sigmoid does in float64, which would tie the top.
 */
export class LogisticRegressionModel implements SupervisedModel {
  readonly name = 'logistic_regression';
  readonly library = libraryVersion('ml-logistic-regression');
  private readonly options: Required<LogisticRegressionOptions>;
  private weights: Float64Array | undefined;

  constructor(options: LogisticRegressionOptions = {}) {
    this.options = { maxRows: 10_000, steps: 300, stepSize: 1, ...options };
  }

  async fit(train: LabelledMatrix, seed: number): Promise<FitReport> {
    const { maxRows, steps, stepSize } = this.options;
    const sample = trainingSample(train, maxRows, Rng.fromSeed(seed).fork('logistic-regression'));
    const copies = Math.max(1, Math.round(sample.attackWeight));
    const { rows, labels } = sampleRows(train, sample, copies);
    const model = new LogisticRegression({ numSteps: steps, learningRate: stepSize / rows.length });
    model.train(new Matrix(rows.map((r) => [...r, 1])), Matrix.columnVector(labels));
    // One-vs-all: classifier 0 is trained with target 0 for class 0 and 1 otherwise, i.e. P(attack).
    const w = model.classifiers[0]?.weights?.to1DArray();
    if (!w || w.length !== train.cols + 1 || !w.every(Number.isFinite)) {
      throw new Error('logistic regression: training gave no finite weights');
    }
    this.weights = Float64Array.from(w);
    return {
      rows: sample.indices.length,
      attacks: sample.attacks,
      balancing: `attack rows × ${copies} (the library takes no weights)`,
      params: { steps, stepSize, intercept: true },
    };
  }

  score(row: ArrayLike<number>): number {
    const w = this.weights;
    if (!w) throw new Error('logistic regression: score() before fit()');
    const n = w.length - 1;
    let s = w[n] as number;
    for (let c = 0; c < n; c++) s += (w[c] as number) * (row[c] as number);
    return s;
  }

  /** The fitted weights, intercept last (for tests and reports). */
  coefficients(): Float64Array | undefined {
    return this.weights?.slice();
  }

  dispose(): void {}
}
