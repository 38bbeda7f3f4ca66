import type { FeatureMatrix } from '../../detect/models/feature-matrix.js';

/**
 * Rows for a supervised model: standardised feature vectors with a 0/1 label each (1 = attack),
 * and whether each login succeeded (the training sample keeps successful attacks first: they
 * are the few rows that teach an account takeover).
 */
export interface LabelledMatrix extends FeatureMatrix {
  /** `rows` labels: 1 = attack, 0 = benign. */
  readonly labels: Uint8Array;
  /** `rows` flags: 1 = the login succeeded. */
  readonly success: Uint8Array;
}

/** What a fit did, for the benchmark's table and JSON. */
export interface FitReport {
  /** Rows the library was given after sampling (before any replication of attack rows). */
  rows: number;
  /** Attack rows among them. */
  attacks: number;
  /**
   * How the classes were balanced, e.g. `class weight 1:4.2 (libsvm -w)` or `attack rows × 4`.
   * Attacks are 1–5% of logins; unbalanced, every model scores "benign" and is 97% right.
   */
  balancing: string;
  /** The settings that matter, for the report (library defaults are not repeated). */
  params: Record<string, number | string | boolean>;
}

/**
 * A supervised classifier behind one contract, whatever the library: fit on labelled rows, then
 * score one row at a time (a live login is scored alone). Rows are standardised before they
 * reach the model (the benchmark fits the standardiser on the training file).
 *
 * Seeded: the same rows and the same seed give the same scores.
 *
 * @example
 * const model = new RandomForestModel({ trees: 25 });
 * const report = await model.fit(train, 7);
 * const risk = model.score(z); // higher = more likely an attack; only the order matters
 * model.dispose();
 */
export interface SupervisedModel {
  /** snake_case, stable: the benchmark's JSON uses it. */
  readonly name: string;
  /** The library doing the learning, with its version, e.g. `ml-random-forest 2.1.0`. */
  readonly library: string;
  /**
   * Learns from the rows. May keep a seeded sample of them (each adapter says how many and why).
   * @throws when the rows hold only one class.
   */
  fit(train: LabelledMatrix, seed: number): Promise<FitReport>;
  /**
   * Attack score of one standardised row (`cols` values): any real number, higher meaning more
   * likely an attack. Only the order of scores is meaningful (ROC, PR, recall at a given FPR).
   * @throws when called before `fit`.
   */
  score(row: ArrayLike<number>): number;
  /** Frees what the library holds outside the JS heap (tfjs tensors). Safe to call twice. */
  dispose(): void;
}
