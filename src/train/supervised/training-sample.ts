import type { Rng } from '../../util/random.js';
import type { LabelledMatrix } from './supervised-model.js';

/** The rows a model trains on, picked by {@link trainingSample}. */
export interface TrainingSample {
  /** Row indices into the training matrix, ascending. */
  readonly indices: Uint32Array;
  readonly attacks: number;
  readonly benign: number;
  /** Benign rows per attack row: the weight that balances the classes. */
  readonly attackWeight: number;
}

/**
 * A seeded sample of at most `maxRows` rows for libraries whose training time grows faster than
 * the data (CART split search, SMO, full-batch gradient descent in ml-matrix).
 *
 * Attacks are 1–5% of logins, so a uniform sample would keep too few of them, and successful
 * attacks (the account takeovers) are a few dozen among thousands of failed guesses: every
 * attack row is kept up to half the sample, successful ones first, and benign rows, drawn
 * uniformly, fill the rest. The classes are then balanced by each model ({@link attackWeight}).
 *
 * @throws when the rows hold only one class: nothing supervised can be learned.
 */
export function trainingSample(train: LabelledMatrix, maxRows: number, rng: Rng): TrainingSample {
  assertBothClasses(train);
  const successfulAttacks: number[] = [];
  const failedAttacks: number[] = [];
  const benign: number[] = [];
  for (let r = 0; r < train.rows; r++) {
    if (train.labels[r] !== 1) benign.push(r);
    else if (train.success[r] === 1) successfulAttacks.push(r);
    else failedAttacks.push(r);
  }
  const attacks = successfulAttacks.length + failedAttacks.length;
  const cap = Math.max(2, Math.min(maxRows, train.rows));
  const attackBudget = Math.max(1, Math.min(attacks, Math.max(Math.floor(cap / 2), cap - benign.length)));
  const keptSuccesses = rng.fork('successes').sample(successfulAttacks, attackBudget);
  const keptFailures = rng.fork('failures').sample(failedAttacks, attackBudget - keptSuccesses.length);
  const keptAttacks = keptSuccesses.length + keptFailures.length;
  const keptBenign = rng.fork('benign').sample(benign, Math.max(1, cap - keptAttacks));
  const indices = Uint32Array.from([...keptSuccesses, ...keptFailures, ...keptBenign]).sort();
  return {
    indices,
    attacks: keptAttacks,
    benign: keptBenign.length,
    attackWeight: keptBenign.length / keptAttacks,
  };
}

/**
 * The sampled rows as arrays of numbers (what ml.js and libsvm-js take), each attack row
 * `attackCopies` times: replicating a row k times is, for a loss summed over rows, the same as
 * weighting it k, for libraries that take no weights.
 */
export function sampleRows(
  train: LabelledMatrix,
  sample: TrainingSample,
  attackCopies = 1,
): { rows: number[][]; labels: number[] } {
  const rows: number[][] = [];
  const labels: number[] = [];
  const n = train.cols;
  for (const r of sample.indices) {
    const row = Array.from(train.data.subarray(r * n, (r + 1) * n));
    const label = train.labels[r] as number;
    const copies = label === 1 ? attackCopies : 1;
    for (let k = 0; k < copies; k++) {
      rows.push(row);
      labels.push(label);
    }
  }
  return { rows, labels };
}

/** @throws when the rows are all attacks or all benign, saying which. */
export function assertBothClasses(train: LabelledMatrix): void {
  let attacks = 0;
  for (let r = 0; r < train.rows; r++) attacks += train.labels[r] === 1 ? 1 : 0;
  if (attacks === 0 || attacks === train.rows) {
    throw new Error(
      `the training rows hold one class only (${train.rows} rows, all ${attacks === 0 ? 'benign' : 'attacks'}): a supervised model needs labelled attacks and benign logins`,
    );
  }
}
