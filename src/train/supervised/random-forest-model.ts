import { RandomForestClassifier } from 'ml-random-forest';
import { Rng } from '../../util/random.js';
import { libraryVersion } from './library-version.js';
import type { FitReport, LabelledMatrix, SupervisedModel } from './supervised-model.js';
import { sampleRows, trainingSample } from './training-sample.js';

/** Options of {@link RandomForestModel}; every field has a default. */
export interface RandomForestOptions {
  /**
   * Most rows trained on (a stratified seeded sample). ml-cart tries every label change of every
   * feature as a split and re-partitions the node for each, so one tree costs about
   * rows² × features: 1.7–2.6 s a tree at 3,000 rows on the project machine. Default 3,000.
   */
  maxRows?: number;
  /** Trees. Default 25. */
  trees?: number;
  /**
   * Share of the features each tree sees. ml-random-forest draws them once per tree (random
   * subspaces), not at every split as Breiman's forest does. Default 0.5.
   */
  featureShare?: number;
  /** Deepest split. Default 12. */
  maxDepth?: number;
  /** A node with this many rows or fewer becomes a leaf. Default 3. */
  minLeafRows?: number;
}

/** One tree in flat arrays: node k splits on `feature[k] < threshold[k]`, or is a leaf when `left[k]` is −1. */
interface FlatTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** P(attack) among the training rows of a leaf. */
  value: Float64Array;
}

/** A node of `RandomForestClassifier.toJSON()`: a split, or a leaf with its class distribution. */
interface JsonNode {
  splitColumn?: number;
  splitValue?: number;
  left?: JsonNode;
  right?: JsonNode;
  /** `[[P(class 0), P(class 1)]]`, or `[[1]]` when the leaf saw class 0 only. */
  distribution?: number[][];
}

/**
 * Random forest (ml-random-forest over ml-cart CART trees, Gini splits): bagged trees on random
 * feature subsets. The score is the mean over trees of the attack share in the leaf a row falls
 * into, as scikit-learn's `predict_proba` (the library's own `predictProbability` counts hard
 * votes and skips the first tree's). Attack rows are replicated to balance the classes. The
 * trees are read from the library's `toJSON()` into flat arrays, so scoring allocates nothing.
 */
export class RandomForestModel implements SupervisedModel {
  readonly name = 'random_forest';
  readonly library = libraryVersion('ml-random-forest');
  private readonly options: Required<RandomForestOptions>;
  private trees: FlatTree[] = [];
  private columns: Int32Array[] = [];

  constructor(options: RandomForestOptions = {}) {
    this.options = { maxRows: 3000, trees: 25, featureShare: 0.5, maxDepth: 12, minLeafRows: 3, ...options };
  }

  async fit(train: LabelledMatrix, seed: number): Promise<FitReport> {
    const o = this.options;
    const rng = Rng.fromSeed(seed).fork('random-forest');
    const sample = trainingSample(train, o.maxRows, rng);
    const copies = Math.max(1, Math.round(sample.attackWeight));
    const { rows, labels } = sampleRows(train, sample, copies);
    const forest = new RandomForestClassifier({
      nEstimators: o.trees,
      maxFeatures: o.featureShare,
      replacement: false,
      useSampleBagging: true,
      noOOB: true,
      seed: rng.fork('library').int(0, 2 ** 31 - 1),
      treeOptions: { maxDepth: o.maxDepth, minNumSamples: o.minLeafRows },
    });
    forest.train(rows, labels);
    const json = JSON.parse(JSON.stringify(forest.toJSON())) as {
      baseModel: { indexes: number[][]; estimators: { root: JsonNode }[] };
    };
    this.columns = json.baseModel.indexes.map((ix) => Int32Array.from(ix));
    this.trees = json.baseModel.estimators.map((e) => flatten(e.root));
    if (this.trees.length !== o.trees || this.columns.length !== o.trees) {
      throw new Error(`random forest: expected ${o.trees} trees, the library returned ${this.trees.length}`);
    }
    return {
      rows: sample.indices.length,
      attacks: sample.attacks,
      balancing: `attack rows × ${copies} (the library takes no weights)`,
      params: {
        trees: o.trees,
        featureShare: o.featureShare,
        maxDepth: o.maxDepth,
        minLeafRows: o.minLeafRows,
        bagging: true,
      },
    };
  }

  score(row: ArrayLike<number>): number {
    const trees = this.trees;
    if (trees.length === 0) throw new Error('random forest: score() before fit()');
    let sum = 0;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t] as FlatTree;
      const cols = this.columns[t] as Int32Array;
      let k = 0;
      while ((tree.left[k] as number) >= 0) {
        const x = row[cols[tree.feature[k] as number] as number] as number;
        k = x < (tree.threshold[k] as number) ? (tree.left[k] as number) : (tree.right[k] as number);
      }
      sum += tree.value[k] as number;
    }
    return sum / trees.length;
  }

  dispose(): void {}
}

/** A tree from its JSON into arrays, depth first; split features stay indices into the tree's own columns. */
function flatten(root: JsonNode): FlatTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const visit = (node: JsonNode): number => {
    const k = feature.length;
    feature.push(0);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    if (node.distribution !== undefined) {
      value[k] = node.distribution[0]?.[1] ?? 0;
      return k;
    }
    if (node.left === undefined || node.right === undefined || node.splitColumn === undefined) {
      throw new Error('random forest: a tree node has neither a split nor a distribution');
    }
    feature[k] = node.splitColumn;
    threshold[k] = node.splitValue ?? 0;
    left[k] = visit(node.left);
    right[k] = visit(node.right);
    return k;
  };
  visit(root);
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}
