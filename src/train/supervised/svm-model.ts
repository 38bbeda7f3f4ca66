import SVM from 'libsvm-js/asm.js';
import { Rng } from '../../util/random.js';
import { libraryVersion } from './library-version.js';
import type { FitReport, LabelledMatrix, SupervisedModel } from './supervised-model.js';
import { sampleRows, trainingSample } from './training-sample.js';

/** Options of {@link SvmModel}; every field has a default. */
export interface SvmOptions {
  /**
   * Most rows trained on (a stratified seeded sample). SMO's time grows between rows² and rows³,
   * and scoring costs one kernel evaluation per support vector, whose number grows with the
   * rows. Default 10,000.
   */
  maxRows?: number;
  /**
   * `rbf` (default): exp(−γ‖x − sv‖²), a smooth non-linear boundary, so a combination of
   * features (new device and odd hour and a new network) can count more than each one alone;
   * `linear` draws the same kind of boundary as the logistic regression.
   */
  kernel?: 'rbf' | 'linear';
  /** C. Default 1. */
  cost?: number;
  /** RBF γ. Default 1 / number of features (libsvm's), for standardised features. */
  gamma?: number;
}

/** A two-class libsvm model's decision function: Σ coefᵢ K(svᵢ, x) − ρ, positive for libsvm's first label. */
export interface LibsvmDecision {
  kernel: 'rbf' | 'linear';
  /** Features per vector. */
  cols: number;
  gamma: number;
  rho: number;
  /** `+1` when libsvm's first label is the attack class, else `−1`. */
  sign: number;
  coef: Float64Array;
  /** Support vectors, row-major, `cols` values each. */
  vectors: Float64Array;
  /** For the linear kernel, Σ coefᵢ svᵢ: the whole model is one dot product. */
  w: Float64Array;
}

/**
 * Support vector machine (libsvm 3.22 through libsvm-js, its asm.js build: synchronous, and no
 * warning on stderr, where the WebAssembly build's loader prints one on Node 20 before falling
 * back). C-SVC with class weights (`-w1` = benign / attack rows) to balance the classes.
 *
 * libsvm-js returns only labels or Platt probabilities (which cost five more trainings through
 * libsvm's unseeded `rand()`), so the score is the decision value computed here from the
 * model libsvm saves (`serializeModel`: support vectors and coefficients at 8 significant
 * digits). Its sign agrees with libsvm's own prediction; the tests check it.
 */
export class SvmModel implements SupervisedModel {
  readonly name: string;
  readonly library = libraryVersion('libsvm-js');
  private readonly options: Required<Omit<SvmOptions, 'gamma'>> & { gamma: number | undefined };
  private decision: LibsvmDecision | undefined;

  constructor(options: SvmOptions = {}) {
    this.options = { maxRows: 10_000, kernel: 'rbf', cost: 1, gamma: undefined, ...options };
    this.name = this.options.kernel === 'rbf' ? 'svm_rbf' : 'svm_linear';
  }

  async fit(train: LabelledMatrix, seed: number): Promise<FitReport> {
    const o = this.options;
    const sample = trainingSample(train, o.maxRows, Rng.fromSeed(seed).fork('svm'));
    const { rows, labels } = sampleRows(train, sample);
    const gamma = o.gamma ?? 1 / train.cols;
    const svm = new SVM({
      type: SVM.SVM_TYPES.C_SVC,
      kernel: o.kernel === 'rbf' ? SVM.KERNEL_TYPES.RBF : SVM.KERNEL_TYPES.LINEAR,
      cost: o.cost,
      gamma,
      weight: { 0: 1, 1: sample.attackWeight },
      quiet: true,
    });
    try {
      svm.train(rows, labels);
      this.decision = parseLibsvmModel(svm.serializeModel(), train.cols);
    } finally {
      svm.free();
    }
    return {
      rows: sample.indices.length,
      attacks: sample.attacks,
      balancing: `class weight 1:${round2(sample.attackWeight)} (libsvm -w1)`,
      params: {
        kernel: o.kernel,
        cost: o.cost,
        ...(o.kernel === 'rbf' ? { gamma: round4(gamma) } : {}),
        supportVectors: this.decision.coef.length,
      },
    };
  }

  score(row: ArrayLike<number>): number {
    if (!this.decision) throw new Error('svm: score() before fit()');
    return decisionValue(this.decision, row);
  }

  dispose(): void {}
}

/**
 * Reads libsvm's model text (`svm_save_model`): header lines (`kernel_type rbf`, `gamma 0.026`,
 * `rho 0.33`, `label 1 0`, …), then `SV` and one line per support vector: its coefficient and
 * sparse `index:value` pairs, 1-based.
 * @throws when the model is not a two-class RBF or linear C-SVC over `cols` features.
 */
export function parseLibsvmModel(text: string, cols: number): LibsvmDecision {
  const lines = text.split('\n');
  const header = new Map<string, string[]>();
  let i = 0;
  for (; i < lines.length && lines[i]?.trim() !== 'SV'; i++) {
    const [key, ...values] = (lines[i] as string).trim().split(/\s+/);
    if (key) header.set(key, values);
  }
  const kernel = header.get('kernel_type')?.[0];
  const labels = (header.get('label') ?? []).map(Number);
  const rho = Number(header.get('rho')?.[0]);
  if ((kernel !== 'rbf' && kernel !== 'linear') || labels.length !== 2 || !Number.isFinite(rho)) {
    throw new Error(
      `svm: expected a two-class rbf or linear model, got kernel ${kernel}, labels ${labels.join(',')}, rho ${rho}`,
    );
  }
  const coef: number[] = [];
  const vectors: number[] = [];
  for (i++; i < lines.length; i++) {
    const parts = (lines[i] as string).trim().split(/\s+/);
    if (parts[0] === undefined || parts[0] === '') continue;
    coef.push(Number(parts[0]));
    const v = new Float64Array(cols);
    for (let p = 1; p < parts.length; p++) {
      const [index, value] = (parts[p] as string).split(':');
      const c = Number(index) - 1;
      if (!(c >= 0 && c < cols)) throw new Error(`svm: support vector feature ${index} outside 1..${cols}`);
      v[c] = Number(value);
    }
    for (const x of v) vectors.push(x);
  }
  const w = new Float64Array(cols);
  coef.forEach((a, k) => {
    for (let c = 0; c < cols; c++) w[c] = (w[c] as number) + a * (vectors[k * cols + c] as number);
  });
  return {
    kernel,
    cols,
    gamma: Number(header.get('gamma')?.[0] ?? 0),
    rho,
    sign: labels[0] === 1 ? 1 : -1,
    coef: Float64Array.from(coef),
    vectors: Float64Array.from(vectors),
    w,
  };
}

/** The decision value of one row, signed so that positive means attack (label 1). */
export function decisionValue(d: LibsvmDecision, row: ArrayLike<number>): number {
  const n = d.cols;
  let s = -d.rho;
  if (d.kernel === 'linear') {
    for (let c = 0; c < n; c++) s += (d.w[c] as number) * (row[c] as number);
    return d.sign * s;
  }
  const { coef, vectors, gamma } = d;
  for (let k = 0; k < coef.length; k++) {
    let dist = 0;
    const base = k * n;
    for (let c = 0; c < n; c++) {
      const diff = (row[c] as number) - (vectors[base + c] as number);
      dist += diff * diff;
    }
    s += (coef[k] as number) * Math.exp(-gamma * dist);
  }
  return d.sign * s;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
