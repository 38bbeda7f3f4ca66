/**
 * Types for the slices of two libraries that ship none: only what the adapters call, checked
 * against the libraries' sources (ml-logistic-regression 2.0.0 `src/logreg.js`, libsvm-js 0.2.1
 * `src/loadSVM.js`).
 */

declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  /** One binary classifier of the one-vs-all set; `weights` is 1 × columns, no intercept. */
  interface LogisticRegressionTwoClasses {
    weights: Matrix | null;
    /** Sigmoid of X · wᵀ, one value per row. */
    testScores(features: Matrix): number[];
  }

  /**
   * One-vs-all logistic regression by full-batch gradient ascent: `numSteps` steps of
   * `learningRate` × Xᵀ(y − p), the gradient summed (not averaged) over rows. Classifier `i` is
   * trained with target 0 for class `i` and 1 for the others, so for two classes
   * `classifiers[0]` gives P(class 1).
   */
  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    numSteps: number;
    learningRate: number;
    numberClasses: number;
    classifiers: LogisticRegressionTwoClasses[];
    /** `Y` is a column vector of class indices 0 … k−1. */
    train(X: Matrix, Y: Matrix): void;
    predict(X: Matrix): number[];
  }
}

declare module 'libsvm-js/asm.js' {
  /** Options; each becomes a libsvm `svm-train` flag (`cost` → `-c`, `weight` → `-wLABEL`). */
  interface SvmOptions {
    type?: number;
    kernel?: number;
    degree?: number;
    /** Default 1 / number of features. */
    gamma?: number;
    coef0?: number;
    cost?: number;
    cacheSize?: number;
    tolerance?: number;
    shrinking?: boolean;
    probabilityEstimates?: boolean;
    /** Class label → multiplier of `cost` for that class. */
    weight?: Record<number, number>;
    quiet?: boolean;
  }

  /** libsvm 3.22 compiled to asm.js by emscripten; the model lives in emscripten's heap until `free()`. */
  export default class SVM {
    static readonly SVM_TYPES: {
      C_SVC: number;
      NU_SVC: number;
      ONE_CLASS: number;
      EPSILON_SVR: number;
      NU_SVR: number;
    };
    static readonly KERNEL_TYPES: {
      LINEAR: number;
      POLYNOMIAL: number;
      RBF: number;
      SIGMOID: number;
      PRECOMPUTED: number;
    };
    constructor(options?: SvmOptions);
    train(samples: number[][], labels: number[]): void;
    /** The predicted label of one sample. */
    predictOne(sample: number[]): number;
    getLabels(): number[];
    /** The model in libsvm's text format (`svm_save_model`): header lines, then `SV` and one line per vector. */
    serializeModel(): string;
    free(): void;
  }
}
