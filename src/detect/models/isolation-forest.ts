import { Rng } from '../../util/random.js';
import { ForestKernel } from './isolation-forest-kernel.js';
import {
  decodeArray,
  describe,
  encodeArray,
  type ModelFile,
  ModelFileError,
  readModelFile,
  writeModelFile,
} from './model-file.js';

// Hand-written on purpose. What npm has (checked 2026): `isolation-forest` 0.0.9 (rows as objects,
// unseeded Knuth shuffle on Math.random, pointer trees, no save/load) and `ml-isolation-forest` 0.1.0
// (mljs; builds every tree on the whole training set instead of a sub-sample, unseeded, no
// serialisation); neither follows scikit-learn's definition nor is kept up. The algorithm is small;
// what we need from it (seeded, same bytes per seed, flat arrays, versioned file) is the hard part of
// neither package.

/** Tag of a saved isolation forest (see {@link IsolationForest.toJSON}). */
export const ISOLATION_FOREST_TAG = 'loginguard.isolation-forest';
/** Layout of the saved form this build writes and reads. */
export const ISOLATION_FOREST_VERSION = 1;

/** The Euler–Mascheroni constant, as numpy's `np.euler_gamma`. */
const EULER_GAMMA = 0.5772156649015329;
/** scikit-learn's `FEATURE_THRESHOLD`: a feature whose range in a node is this small cannot split it. */
const CONSTANT_RANGE = 1e-7;
const MAX_FEATURES = 0x7fff;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n keys,
 * which is what a leaf holding n training rows adds to the path of a row that ends there, and
 * what a whole tree of n rows gives on average (the score's normaliser).
 * c(n) = 2 H(n − 1) − 2 (n − 1) / n with H(i) ≈ ln(i) + γ; c(1) = 0 and c(2) = 1 exactly, as in
 * scikit-learn's `_average_path_length`.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Options of {@link fitIsolationForest}; every one has scikit-learn's default. */
export interface IsolationForestOptions {
  /** Number of trees (`n_estimators`). Default 100. */
  trees?: number;
  /** Rows drawn without replacement for each tree (`max_samples`). Default min(256, rows); capped at the rows. */
  sampleSize?: number;
  /** Any safe integer. Same seed and same rows give the same model, byte for byte. Default 1. */
  seed?: number;
  /** Names of the columns, in order; saved with the model and checked on load. Default `f0`, `f1`, … */
  features?: readonly string[];
}

/** The options a forest was trained with, all resolved. */
export interface IsolationForestSettings {
  trees: number;
  sampleSize: number;
  seed: number;
  /** ceil(log2(sampleSize)): a tree stops splitting at this depth (scikit-learn's `max_depth`). */
  maxDepth: number;
}

/** The saved form of an isolation forest: the {@link ModelFile} envelope plus this body. */
export interface IsolationForestBody {
  options: { trees: number; sampleSize: number; seed: number };
  /** Rows the forest was trained on (the population it describes). */
  trainedRows: number;
  /** Nodes in all trees together. */
  nodes: number;
  /**
   * The forest's flat arrays, each the base64 of its little-endian bytes: exact for every double,
   * a third of the size of the same numbers written as JSON, and read back without parsing 50,000
   * numbers one by one.
   */
  arrays: {
    /** Int32 × (trees + 1): tree t is nodes `roots[t]` to `roots[t + 1] - 1`. */
    roots: string;
    /** Int16 × nodes: the column a node splits on, −1 at a leaf. */
    feature: string;
    /** Float64 × nodes: rows with `value <= threshold` go left; 0 at a leaf. */
    threshold: string;
    /** Int32 × nodes: index of the right child (the left one is the next node); −1 at a leaf. */
    right: string;
    /** Int32 × nodes: training rows of the tree's sample that reached the node. */
    size: string;
  };
}

/** A saved isolation forest, as {@link IsolationForest.toJSON} returns it. */
export type IsolationForestFile = ModelFile<IsolationForestBody>;

/** The arrays of a forest (see {@link IsolationForestBody.arrays}), used in place by the scorer. */
interface ForestArrays {
  roots: Int32Array;
  feature: Int16Array;
  /** The threshold at an internal node; at a leaf, the path length of a row ending there. */
  value: Float64Array;
  right: Int32Array;
  size: Int32Array;
}

/**
 * An Isolation Forest (Liu, Ting & Zhou 2008) as scikit-learn defines it. A row that random
 * axis-parallel splits isolate in few steps is unusual; the score is s = 2^(−E[h(x)] / c(ψ)), in
 * (0, 1), where h is the path length in one tree (plus c(n) at a leaf still holding n rows) and ψ
 * the sample size: about 0.5 and below for ordinary rows, towards 1 for outliers.
 *
 * All trees live in one set of flat typed arrays, nodes in depth-first order (a node's left child
 * is the next node): that is the saved form and what {@link pathLengths} and attribution walk.
 * {@link score} runs a copy compiled for speed (complete trees as heaps in WebAssembly memory,
 * eight walked at once: see isolation-forest-kernel.ts); neither allocates per call.
 *
 * @example
 * const forest = fitIsolationForest(rows, nRows, 3, { seed: 7, features: ['km', 'hour', 'fails'] });
 * forest.score(rows, 5 * 3); // score of row 5
 * const saved = JSON.stringify(forest.toJSON());
 * const same = loadIsolationForest(saved, { expectedFeatures: ['km', 'hour', 'fails'] });
 */
export class IsolationForest {
  /** Column names, in order. */
  readonly features: readonly string[];
  readonly settings: Readonly<IsolationForestSettings>;
  readonly trainedRows: number;
  /** c(sampleSize): the mean path length of an ordinary row, which makes its score 0.5. */
  readonly normaliser: number;
  /** Tree t is nodes `roots[t]` to `roots[t + 1] - 1`; its root is `roots[t]`. Read only. */
  readonly roots: Int32Array;
  /** Column a node splits on; −1 at a leaf. Read only. */
  readonly feature: Int16Array;
  /**
   * At an internal node, the threshold (rows with a value above it go to the right child, the
   * others to the left child, which is the next node); at a leaf, the path length h credited to
   * a row that ends there (its depth + c(size)). Read only.
   */
  readonly value: Float64Array;
  /** Index of the right child of an internal node; −1 at a leaf. Read only. */
  readonly right: Int32Array;
  /** Training rows (of the tree's sample) that reached each node. Read only. */
  readonly size: Int32Array;
  /** The same trees compiled for fast scoring; absent when they cannot be (see {@link ForestKernel.fits}). */
  private readonly kernel: ForestKernel | undefined;

  /** Use {@link fitIsolationForest} or {@link loadIsolationForest}. */
  constructor(
    features: readonly string[],
    settings: IsolationForestSettings,
    trainedRows: number,
    arrays: ForestArrays,
  ) {
    this.features = Object.freeze([...features]);
    this.settings = Object.freeze({ ...settings });
    this.trainedRows = trainedRows;
    this.normaliser = averagePathLength(settings.sampleSize);
    this.roots = arrays.roots;
    this.feature = arrays.feature;
    this.value = arrays.value;
    this.right = arrays.right;
    this.size = arrays.size;
    const { trees, maxDepth } = settings;
    this.kernel = ForestKernel.fits(trees, maxDepth, features.length)
      ? new ForestKernel(arrays, maxDepth, features.length)
      : undefined;
  }

  /** Number of trees. */
  get trees(): number {
    return this.roots.length - 1;
  }

  /** Number of nodes in all trees. */
  get nodes(): number {
    return this.feature.length;
  }

  /**
   * Anomaly score of one row, in (0, 1): 0.5 for a row as easy to isolate as an average one,
   * towards 1 the fewer splits it takes. Equals `-score_samples(x)` of scikit-learn's
   * IsolationForest for the same trees. Allocates nothing.
   * @param row the row's values in column order, from `offset` on (a whole matrix may be passed).
   *   A NaN goes left at every split; give the model none.
   */
  score(row: ArrayLike<number>, offset = 0): number {
    return 2 ** (-this.meanPathLength(row, offset) / this.normaliser);
  }

  /** E[h(x)]: the row's path length averaged over the trees (the score before normalising). */
  meanPathLength(row: ArrayLike<number>, offset = 0): number {
    if (this.kernel) return this.kernel.totalPathLength(row, offset) / this.trees;
    const { roots, feature, value, right } = this;
    const trees = roots.length - 1;
    let total = 0;
    for (let t = 0; t < trees; t++) {
      let node = roots[t] as number;
      let f = feature[node] as number;
      while (f >= 0) {
        node = (row[offset + f] as number) > (value[node] as number) ? (right[node] as number) : node + 1;
        f = feature[node] as number;
      }
      total += value[node] as number;
    }
    return total / trees;
  }

  /** h(x) in each tree, into `out` (one value per tree; allocated when not given). Walks the trees as stored. */
  pathLengths(row: ArrayLike<number>, offset = 0, out = new Float64Array(this.trees)): Float64Array {
    const { roots, feature, value, right } = this;
    for (let t = 0; t < roots.length - 1; t++) {
      let node = roots[t] as number;
      while ((feature[node] as number) >= 0) {
        const f = feature[node] as number;
        node = (row[offset + f] as number) > (value[node] as number) ? (right[node] as number) : node + 1;
      }
      out[t] = value[node] as number;
    }
    return out;
  }

  /**
   * The saved form: tagged and versioned, options, and the arrays as base64. Same seed and rows
   * give the same JSON text. Read it back with {@link loadIsolationForest}.
   */
  toJSON(): IsolationForestFile {
    const threshold = new Float64Array(this.value.length);
    for (let i = 0; i < threshold.length; i++) {
      if ((this.feature[i] as number) >= 0) threshold[i] = this.value[i] as number;
    }
    const { trees, sampleSize, seed } = this.settings;
    return writeModelFile(ISOLATION_FOREST_TAG, ISOLATION_FOREST_VERSION, this.features, {
      options: { trees, sampleSize, seed },
      trainedRows: this.trainedRows,
      nodes: this.nodes,
      arrays: {
        roots: encodeArray(this.roots),
        feature: encodeArray(this.feature),
        threshold: encodeArray(threshold),
        right: encodeArray(this.right),
        size: encodeArray(this.size),
      },
    });
  }
}

/**
 * Trains an isolation forest on `nRows` rows of `nCols` values, row-major in `rows` (value (r, c)
 * at `r * nCols + c`), as scikit-learn's `IsolationForest(n_estimators, max_samples,
 * max_features=1.0, bootstrap=False)`: each tree draws `sampleSize` rows without replacement and
 * splits them on a random column (one not constant in the node) at a uniform value between that
 * column's min and max in the node, until one row is left or the depth reaches ceil(log2 ψ).
 * The work is trees × sampleSize, whatever the number of rows.
 * @throws when the shape or options are wrong or a training value is NaN or infinite (which
 *   scikit-learn refuses too).
 */
export function fitIsolationForest(
  rows: Float64Array | Float32Array,
  nRows: number,
  nCols: number,
  options: IsolationForestOptions = {},
): IsolationForest {
  if (!Number.isInteger(nRows) || nRows < 2) {
    throw new Error(`fitIsolationForest: nRows must be an integer of at least 2, got ${nRows}`);
  }
  if (!Number.isInteger(nCols) || nCols < 1 || nCols > MAX_FEATURES) {
    throw new Error(`fitIsolationForest: nCols must be an integer from 1 to ${MAX_FEATURES}, got ${nCols}`);
  }
  if (rows.length < nRows * nCols) {
    throw new Error(
      `fitIsolationForest: rows holds ${rows.length} values, nRows × nCols is ${nRows * nCols}`,
    );
  }
  const trees = options.trees ?? 100;
  if (!Number.isInteger(trees) || trees < 1)
    throw new Error(`fitIsolationForest: trees must be ≥ 1, got ${trees}`);
  const sampleSize = Math.min(options.sampleSize ?? 256, nRows);
  if (!Number.isInteger(sampleSize) || sampleSize < 2) {
    throw new Error(
      `fitIsolationForest: sampleSize must be an integer of at least 2, got ${options.sampleSize}`,
    );
  }
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed))
    throw new Error(`fitIsolationForest: seed must be a safe integer, got ${seed}`);
  const features = options.features
    ? [...options.features]
    : Array.from({ length: nCols }, (_, i) => `f${i}`);
  checkFeatureNames(features, nCols);
  for (let i = 0; i < nRows * nCols; i++) {
    if (!Number.isFinite(rows[i] as number)) {
      const r = Math.floor(i / nCols);
      throw new Error(`fitIsolationForest: row ${r}, column '${features[i - r * nCols]}' is ${rows[i]}`);
    }
  }

  const settings = { trees, sampleSize, seed, maxDepth: maxDepthFor(sampleSize) };
  const builder = new ForestBuilder(rows, nRows, nCols, settings);
  for (let t = 0; t < trees; t++) builder.addTree(t);
  return new IsolationForest(features, settings, nRows, builder.finish());
}

/**
 * Reads a forest saved by {@link IsolationForest.toJSON} (the object or its JSON text), checking
 * the tag, the version, the feature names against `expectedFeatures` when given, the options and
 * every array (present, right length, a well-formed tree), so a damaged file fails here and not
 * at scoring time.
 * @throws ModelFileError naming the field that is wrong and how.
 */
export function loadIsolationForest(
  json: unknown,
  options: { expectedFeatures?: readonly string[] } = {},
): IsolationForest {
  const file = readModelFile(json, {
    tag: ISOLATION_FOREST_TAG,
    version: ISOLATION_FOREST_VERSION,
    expectedFeatures: options.expectedFeatures,
  });
  const features = file.features;
  const nCols = features.length;
  if (nCols < 1 || nCols > MAX_FEATURES) {
    throw new ModelFileError('features', `expected 1 to ${MAX_FEATURES} names, got ${nCols}`);
  }
  try {
    checkFeatureNames(features, nCols);
  } catch (error) {
    throw new ModelFileError('features', (error as Error).message);
  }
  const opts = file.options as Record<string, unknown> | undefined;
  if (typeof opts !== 'object' || opts === null) throw new ModelFileError('options', 'missing');
  const trees = integerField(opts.trees, 'options.trees', 1);
  const sampleSize = integerField(opts.sampleSize, 'options.sampleSize', 2);
  const seed = opts.seed;
  if (!Number.isSafeInteger(seed))
    throw new ModelFileError('options.seed', `expected an integer, got ${describe(seed)}`);
  const trainedRows = integerField(file.trainedRows, 'trainedRows', sampleSize);
  const nodes = integerField(file.nodes, 'nodes', trees);
  const arrays = file.arrays as Record<string, unknown> | undefined;
  if (typeof arrays !== 'object' || arrays === null) throw new ModelFileError('arrays', 'missing');

  const forest: ForestArrays = {
    roots: decodeArray(arrays.roots, 'arrays.roots', Int32Array, trees + 1),
    feature: decodeArray(arrays.feature, 'arrays.feature', Int16Array, nodes),
    value: decodeArray(arrays.threshold, 'arrays.threshold', Float64Array, nodes),
    right: decodeArray(arrays.right, 'arrays.right', Int32Array, nodes),
    size: decodeArray(arrays.size, 'arrays.size', Int32Array, nodes),
  };
  const settings = { trees, sampleSize, seed: seed as number, maxDepth: maxDepthFor(sampleSize) };
  new TreeChecker(forest, nCols, settings).checkAll();
  return new IsolationForest(features, settings, trainedRows, forest);
}

function maxDepthFor(sampleSize: number): number {
  return Math.ceil(Math.log2(Math.max(sampleSize, 2)));
}

function checkFeatureNames(features: readonly string[], nCols: number): void {
  if (features.length !== nCols) throw new Error(`${features.length} feature names for ${nCols} columns`);
  const seen = new Set<string>();
  for (const name of features) {
    if (typeof name !== 'string' || name === '') throw new Error(`feature names must be non-empty strings`);
    if (seen.has(name)) throw new Error(`feature '${name}' is named twice`);
    seen.add(name);
  }
}

function integerField(value: unknown, field: string, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new ModelFileError(field, `expected an integer of at least ${min}, got ${describe(value)}`);
  }
  return value as number;
}

/** A 32-bit seed for tree `tree`: each tree has its own stream, so tree t is the same whatever the number of trees. */
function treeSeed(seed: number, tree: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h ^= Math.imul(Math.floor(seed / 0x100000000) | 0, 0xcc9e2d51);
  h = Math.imul(h ^ (h >>> 15), 0x1b873593) ^ Math.imul(tree + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Grows the forest's arrays one tree at a time (nodes in depth-first order). */
class ForestBuilder {
  private readonly rows: Float64Array | Float32Array;
  private readonly nRows: number;
  private readonly nCols: number;
  private readonly settings: IsolationForestSettings;
  /** The tree's sample, column-major (column f of sample row i at f * sampleSize + i): a split scans one column. */
  private readonly sample: Float64Array;
  /** Sample rows of the node being split occupy a contiguous range of `order`, partitioned in place. */
  private readonly order: Int32Array;
  private readonly columns: Int32Array;
  private readonly drawn = new Map<number, number>();
  private rng: Rng = Rng.fromMixedSeed(0);
  private readonly roots: number[] = [0];
  private feature: Int16Array;
  private value: Float64Array;
  private right: Int32Array;
  private size: Int32Array;
  private count = 0;

  constructor(
    rows: Float64Array | Float32Array,
    nRows: number,
    nCols: number,
    settings: IsolationForestSettings,
  ) {
    this.rows = rows;
    this.nRows = nRows;
    this.nCols = nCols;
    this.settings = settings;
    this.sample = new Float64Array(settings.sampleSize * nCols);
    this.order = new Int32Array(settings.sampleSize);
    this.columns = new Int32Array(nCols);
    // A tree of ψ rows has at most 2ψ − 1 nodes, and at most 2^(depth + 1) − 1.
    const perTree = Math.min(2 * settings.sampleSize - 1, 2 ** (settings.maxDepth + 1) - 1);
    const capacity = Math.min(perTree * settings.trees, 1 << 20);
    this.feature = new Int16Array(capacity);
    this.value = new Float64Array(capacity);
    this.right = new Int32Array(capacity);
    this.size = new Int32Array(capacity);
  }

  addTree(tree: number): void {
    const { sampleSize } = this.settings;
    this.rng = Rng.fromMixedSeed(treeSeed(this.settings.seed, tree));
    this.drawSample();
    for (let i = 0; i < sampleSize; i++) this.order[i] = i;
    this.split(0, sampleSize, 0);
    this.roots.push(this.count);
  }

  finish(): ForestArrays {
    return {
      roots: Int32Array.from(this.roots),
      feature: this.feature.slice(0, this.count),
      value: this.value.slice(0, this.count),
      right: this.right.slice(0, this.count),
      size: this.size.slice(0, this.count),
    };
  }

  /** ψ distinct rows, uniformly (Fisher–Yates over a sparse map of the swaps: O(ψ), not O(rows)). */
  private drawSample(): void {
    const { nRows, nCols, rows, sample, drawn } = this;
    const k = this.settings.sampleSize;
    drawn.clear();
    for (let j = 0; j < k; j++) {
      const r = j + Math.floor(this.rng.float() * (nRows - j));
      const pick = drawn.get(r) ?? r;
      drawn.set(r, drawn.get(j) ?? j);
      const base = pick * nCols;
      for (let f = 0; f < nCols; f++) sample[f * k + j] = rows[base + f] as number;
    }
  }

  private split(start: number, end: number, depth: number): void {
    const node = this.push(end - start);
    const n = end - start;
    if (depth >= this.settings.maxDepth || n < 2) {
      this.leaf(node, depth, n);
      return;
    }
    const { sample, order, columns, nCols } = this;
    const k = this.settings.sampleSize;
    // Visit the columns in a random order and split on the first that is not constant here: the
    // chosen column is uniform among the non-constant ones, as in scikit-learn's RandomSplitter.
    for (let f = 0; f < nCols; f++) columns[f] = f;
    for (let j = 0; j < nCols; j++) {
      const pick = j + Math.floor(this.rng.float() * (nCols - j));
      const f = columns[pick] as number;
      columns[pick] = columns[j] as number;
      const base = f * k;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const x = sample[base + (order[i] as number)] as number;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      if (max - min <= CONSTANT_RANGE) continue;
      let threshold = min + this.rng.float() * (max - min);
      if (threshold >= max) threshold = min; // rounding can reach max, which would leave the right side empty
      let mid = start;
      for (let i = start; i < end; i++) {
        const id = order[i] as number;
        if ((sample[base + id] as number) <= threshold) {
          order[i] = order[mid] as number;
          order[mid++] = id;
        }
      }
      this.feature[node] = f;
      this.value[node] = threshold;
      this.split(start, mid, depth + 1);
      this.right[node] = this.count;
      this.split(mid, end, depth + 1);
      return;
    }
    this.leaf(node, depth, n); // every column is constant on these rows
  }

  private leaf(node: number, depth: number, n: number): void {
    this.feature[node] = -1;
    this.right[node] = -1;
    this.value[node] = depth + averagePathLength(n);
  }

  private push(size: number): number {
    if (this.count === this.feature.length) this.grow();
    const node = this.count++;
    this.size[node] = size;
    return node;
  }

  private grow(): void {
    const capacity = this.feature.length * 2;
    const feature = new Int16Array(capacity);
    const value = new Float64Array(capacity);
    const right = new Int32Array(capacity);
    const size = new Int32Array(capacity);
    feature.set(this.feature);
    value.set(this.value);
    right.set(this.right);
    size.set(this.size);
    this.feature = feature;
    this.value = value;
    this.right = right;
    this.size = size;
  }
}

/**
 * Checks that loaded arrays form the trees a fit would have made, and turns each leaf's value
 * into its path length. Walking follows the depth-first layout, so a file whose pointers loop or
 * leave the tree is refused rather than trusted.
 */
class TreeChecker {
  constructor(
    private readonly arrays: ForestArrays,
    private readonly nCols: number,
    private readonly settings: IsolationForestSettings,
  ) {}

  checkAll(): void {
    const { roots } = this.arrays;
    const nodes = this.arrays.feature.length;
    if (roots[0] !== 0) this.fail('arrays.roots', `tree 0 must start at node 0, starts at ${roots[0]}`);
    if (roots[roots.length - 1] !== nodes) {
      this.fail(
        'arrays.roots',
        `the last tree must end at node ${nodes}, ends at ${roots[roots.length - 1]}`,
      );
    }
    for (let t = 0; t < roots.length - 1; t++) {
      const start = roots[t] as number;
      const end = roots[t + 1] as number;
      if (!(end > start))
        this.fail('arrays.roots', `tree ${t} is empty or out of order (${start} to ${end})`);
      const rootSize = this.arrays.size[start];
      if (rootSize !== this.settings.sampleSize) {
        this.fail(
          'arrays.size',
          `tree ${t} holds ${rootSize} rows, options.sampleSize is ${this.settings.sampleSize}`,
        );
      }
      const after = this.check(t, start, end, 0);
      if (after !== end)
        this.fail('arrays.roots', `tree ${t} ends at node ${after}, arrays.roots says ${end}`);
    }
  }

  /** Checks the subtree at `node` and returns the index just past it. */
  private check(tree: number, node: number, end: number, depth: number): number {
    const { feature, value, right, size } = this.arrays;
    const where = `node ${node} (tree ${tree})`;
    const n = size[node] as number;
    const f = feature[node] as number;
    if (f === -1) {
      if (!(n >= 1)) this.fail('arrays.size', `${where}: a leaf must hold at least 1 row, holds ${n}`);
      value[node] = depth + averagePathLength(n);
      return node + 1;
    }
    if (f < 0 || f >= this.nCols)
      this.fail('arrays.feature', `${where} splits on column ${f}, there are ${this.nCols}`);
    if (depth >= this.settings.maxDepth) {
      this.fail('arrays.feature', `${where} splits at depth ${depth}, deeper than ${this.settings.maxDepth}`);
    }
    if (!Number.isFinite(value[node] as number)) this.fail('arrays.threshold', `${where}: ${value[node]}`);
    if (node + 1 >= end) this.fail('arrays.feature', `${where} splits but is the last node of its tree`);
    const afterLeft = this.check(tree, node + 1, end, depth + 1);
    if (right[node] !== afterLeft || afterLeft >= end) {
      this.fail('arrays.right', `${where} points to ${right[node]}, its right child is node ${afterLeft}`);
    }
    const afterRight = this.check(tree, afterLeft, end, depth + 1);
    const sum = (size[node + 1] as number) + (size[afterLeft] as number);
    if (n !== sum) this.fail('arrays.size', `${where} holds ${n} rows, its children ${sum}`);
    return afterRight;
  }

  private fail(field: string, reason: string): never {
    throw new ModelFileError(field, reason);
  }
}
