import type { ScoringConfig } from '../config/scoring-config.js';
import { loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { Standardizer } from '../detect/models/standardizer.js';
import type { Enricher } from '../enrich/enricher.js';
import { FEATURE_NAMES } from '../features/feature-names.js';
import { BENIGN_LABEL, type LabelledFeatures, labelledFeatures } from './labelled-features.js';
import { LogisticRegressionModel } from './supervised/logistic-regression-model.js';
import { NeuralNetworkModel } from './supervised/neural-network-model.js';
import { RandomForestModel } from './supervised/random-forest-model.js';
import { type RankingMetrics, rankingMetrics } from './supervised/ranking-metrics.js';
import type { FitReport, LabelledMatrix, SupervisedModel } from './supervised/supervised-model.js';
import { SvmModel } from './supervised/svm-model.js';

/** The tag of the JSON the benchmark writes; bump {@link SUPERVISED_BENCHMARK_VERSION} when its shape changes. */
export const SUPERVISED_BENCHMARK_TAG = 'loginguard.supervised-benchmark';
export const SUPERVISED_BENCHMARK_VERSION = 1;

/** Options of {@link benchmarkSupervised}. */
export interface SupervisedBenchmarkOptions {
  /** Labelled events (JSONL/CSV) the supervised models learn from. */
  train: string;
  /** Labelled files to evaluate on: another seed, and ideally another generator. */
  tests: readonly string[];
  enricher: Enricher;
  config: Readonly<ScoringConfig>;
  /** Seeds every sample and every model. Default 1. */
  seed?: number;
  /** At most this many training rows per model (each model also has its own cap, for training time). */
  maxTrain?: number;
  /** A directory written by `loginguard train`: the anomaly ensemble is evaluated too. */
  modelsDir?: string;
  /** The models to compare; default {@link defaultSupervisedModels}. Disposed at the end. */
  models?: SupervisedModel[];
  /** One line per step, for a progress display. */
  onProgress?: (message: string) => void;
}

/** A labelled file as the benchmark saw it. */
export interface DatasetSummary {
  file: string;
  /** Valid events replayed (unlabelled ones included). */
  events: number;
  /** Labelled events: the rows. */
  labelled: number;
  attacks: number;
  /** Successful logins, and the attacker's among them (the account takeovers). */
  successes: number;
  attackSuccesses: number;
  /** Events per label, `benign` included. */
  scenarios: Record<string, number>;
  /** Successful logins per attack scenario. */
  attackSuccessesByScenario: Record<string, number>;
  /** Replay through the rules to extract the features, seconds. */
  replaySeconds: number;
}

/** One scorer on one test file. */
export interface ModelEvaluation {
  /** Over every labelled event (failed guesses included: most attack events are failures). */
  all: RankingMetrics;
  /** Over successful logins only: did the attacker who got in get caught? */
  successes: RankingMetrics;
  /**
   * Per attack scenario, the share of its successful logins flagged at the threshold of
   * `successes.recallAt1PctFpr`; null for a scenario without successful logins.
   */
  successRecallByScenario: Record<string, number | null>;
  /** Microseconds per event to score (see {@link ScorerResult.scoringCost}). */
  microsPerEvent: number;
}

/** A supervised model, or a production scorer shown for comparison. */
export interface ScorerResult {
  name: string;
  kind: 'supervised' | 'production';
  /** What it is, in a few words. */
  description: string;
  library: string | null;
  /** Supervised models: how they were fitted. */
  fit: (FitReport & { seconds: number }) | null;
  /** What `microsPerEvent` counts. */
  scoringCost: string;
  /** One per test file, in the order of {@link SupervisedBenchmark.tests}. */
  evaluations: ModelEvaluation[];
}

/** What `loginguard benchmark` prints and writes with `--json`. */
export interface SupervisedBenchmark {
  tag: typeof SUPERVISED_BENCHMARK_TAG;
  version: typeof SUPERVISED_BENCHMARK_VERSION;
  seed: number;
  maxTrain: number | null;
  features: readonly string[];
  train: DatasetSummary;
  tests: DatasetSummary[];
  /** The anomaly models' directory, when they were evaluated. */
  modelsDir: string | null;
  scorers: ScorerResult[];
}

/**
 * The four supervised models with their default settings, each capped at `maxTrain` rows.
 * @example defaultSupervisedModels(2000).map((m) => m.name) // logistic_regression, random_forest, svm_rbf, neural_network
 */
export function defaultSupervisedModels(maxTrain?: number): SupervisedModel[] {
  const cap = (own: number) => (maxTrain === undefined ? own : Math.min(own, maxTrain));
  return [
    new LogisticRegressionModel({ maxRows: cap(10_000) }),
    new RandomForestModel({ maxRows: cap(3000) }),
    new SvmModel({ maxRows: cap(10_000) }),
    new NeuralNetworkModel({ maxRows: cap(50_000) }),
  ];
}

const DESCRIPTIONS: Record<string, string> = {
  logistic_regression: 'linear score on the standardised features',
  random_forest: 'bagged CART trees on random feature subsets',
  svm_rbf: 'support vector machine, RBF kernel',
  svm_linear: 'support vector machine, linear kernel',
  neural_network: 'dense tanh layers, sigmoid output',
};

/**
 * Trains supervised classifiers on the features of a labelled file and compares them, on other
 * labelled files, with what production runs: the rules (and the anomaly ensemble, given
 * `modelsDir`). Every file is replayed in time order through the rules-only pipeline, so a
 * login's features are those live scoring computes; features are standardised with the
 * training file's means and deviations.
 *
 * @throws when a file has no labels, or the training or a test file holds a single class.
 */
export async function benchmarkSupervised(options: SupervisedBenchmarkOptions): Promise<SupervisedBenchmark> {
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  if (options.tests.length === 0) throw new Error('benchmark: give at least one test file');
  const models = options.models ?? defaultSupervisedModels(options.maxTrain);
  try {
    progress(`features: ${options.train}`);
    const trainData = await labelledFeatures({
      input: options.train,
      enricher: options.enricher,
      config: options.config,
    });
    const train = summarise(options.train, trainData);
    assertTwoClasses('training', train);
    const trainFeatures = trainData.features;
    if (!trainFeatures) throw new Error('benchmark: the training features were not extracted');
    const standardizer = Standardizer.fit(trainFeatures, FEATURE_NAMES);
    const trainMatrix: LabelledMatrix = {
      rows: trainData.rows,
      cols: trainFeatures.cols,
      data: standardize(standardizer, trainFeatures.data, trainData.rows, trainFeatures.cols),
      labels: trainData.labels,
      success: trainData.success,
    };

    const scorers: ScorerResult[] = [];
    for (const model of models) {
      progress(`fit: ${model.name}`);
      const started = performance.now();
      const report = await model.fit(trainMatrix, seed);
      scorers.push({
        name: model.name,
        kind: 'supervised',
        description: DESCRIPTIONS[model.name] ?? model.name,
        library: model.library,
        fit: { ...report, seconds: round((performance.now() - started) / 1000, 2) },
        scoringCost: 'standardise the feature vector + score it (feature extraction not included: ~1 µs)',
        evaluations: [],
      });
    }
    const rules: ScorerResult = {
      name: 'rules',
      kind: 'production',
      description: 'riskScore of the rules-only pipeline (an account locked for brute force scores 1)',
      library: null,
      fit: null,
      scoringCost: 'the whole replay per event: read, validate, enrich, baseline, rules, features',
      evaluations: [],
    };
    scorers.push(rules);
    const ensemble = options.modelsDir
      ? await loadAnomalyModels(options.modelsDir, options.config)
      : undefined;
    const mlScorers: ScorerResult[] = ensemble
      ? [
          {
            name: 'anomaly_ensemble',
            kind: 'production',
            description: 'scores.models: Isolation Forest + autoencoder, unsupervised (loginguard train)',
            library: null,
            fit: null,
            scoringCost: "the ensemble's score() per event (its own feature extraction included)",
            evaluations: [],
          },
          {
            name: 'rules_plus_ml',
            kind: 'production',
            description: 'riskScore with the anomaly models in the pipeline (rules + ML_ANOMALY, lockout)',
            library: null,
            fit: null,
            scoringCost: 'the whole replay per event, models included',
            evaluations: [],
          },
        ]
      : [];
    scorers.push(...mlScorers);

    const tests: DatasetSummary[] = [];
    try {
      for (const file of options.tests) {
        progress(`features: ${file}`);
        const testData = await labelledFeatures({
          input: file,
          enricher: options.enricher,
          config: options.config,
        });
        const summary = summarise(file, testData);
        assertTwoClasses('test', summary);
        tests.push(summary);
        const testFeatures = testData.features;
        if (!testFeatures) throw new Error('benchmark: the test features were not extracted');
        progress(`score: ${file}`);
        models.forEach((model, m) => {
          const { scores, micros } = scoreAll(
            model,
            standardizer,
            testFeatures.data,
            testData.rows,
            testFeatures.cols,
          );
          (scorers[m] as ScorerResult).evaluations.push(evaluate(testData, scores, micros));
        });
        rules.evaluations.push(
          evaluate(
            testData,
            testData.riskScore,
            (testData.seconds.replay * 1e6) / Math.max(1, testData.events),
          ),
        );
        if (ensemble) {
          progress(`anomaly models: ${file}`);
          const withModels = await labelledFeatures({
            input: file,
            enricher: options.enricher,
            config: options.config,
            models: ensemble,
            features: false,
          });
          assertSameRows(file, testData, withModels);
          const [alone, combined] = mlScorers as [ScorerResult, ScorerResult];
          alone.evaluations.push(
            evaluate(
              testData,
              withModels.modelScore ?? new Float32Array(testData.rows),
              (withModels.seconds.models * 1e6) / Math.max(1, withModels.events),
            ),
          );
          combined.evaluations.push(
            evaluate(
              testData,
              withModels.riskScore,
              (withModels.seconds.replay * 1e6) / Math.max(1, withModels.events),
            ),
          );
        }
      }
    } finally {
      ensemble?.autoencoder.dispose();
    }
    return {
      tag: SUPERVISED_BENCHMARK_TAG,
      version: SUPERVISED_BENCHMARK_VERSION,
      seed,
      maxTrain: options.maxTrain ?? null,
      features: FEATURE_NAMES,
      train,
      tests,
      modelsDir: options.modelsDir ?? null,
      scorers,
    };
  } finally {
    for (const model of models) model.dispose();
  }
}

function summarise(file: string, d: LabelledFeatures): DatasetSummary {
  const byScenario = new Array<number>(d.scenarios.length).fill(0);
  const successesByScenario = new Array<number>(d.scenarios.length).fill(0);
  let attacks = 0;
  let successes = 0;
  let attackSuccesses = 0;
  for (let r = 0; r < d.rows; r++) {
    const s = d.scenario[r] as number;
    byScenario[s] = (byScenario[s] as number) + 1;
    attacks += d.labels[r] as number;
    if (d.success[r] === 1) {
      successes++;
      attackSuccesses += d.labels[r] as number;
      successesByScenario[s] = (successesByScenario[s] as number) + 1;
    }
  }
  const scenarios: Record<string, number> = {};
  const attackSuccessesByScenario: Record<string, number> = {};
  for (const [i, name] of d.scenarios.entries()) {
    scenarios[name] = byScenario[i] as number;
    if (name !== BENIGN_LABEL) attackSuccessesByScenario[name] = successesByScenario[i] as number;
  }
  return {
    file,
    events: d.events,
    labelled: d.rows,
    attacks,
    successes,
    attackSuccesses,
    scenarios,
    attackSuccessesByScenario,
    replaySeconds: round(d.seconds.replay, 2),
  };
}

function assertTwoClasses(role: 'training' | 'test', s: DatasetSummary): void {
  if (s.attacks === 0 || s.attacks === s.labelled) {
    const only = s.attacks === 0 ? `"${BENIGN_LABEL}"` : 'attack scenarios';
    throw new Error(
      `the ${role} file ${s.file} holds one class only: all ${s.labelled} labelled events are ${only}. ` +
        `A supervised benchmark needs both benign and attack events in every file (loginguard generate writes both).`,
    );
  }
}

/** The replay with models must have seen the same labelled events, in the same order. */
function assertSameRows(file: string, a: LabelledFeatures, b: LabelledFeatures): void {
  let same = a.rows === b.rows;
  for (let r = 0; same && r < a.rows; r++)
    same = a.labels[r] === b.labels[r] && a.success[r] === b.success[r];
  if (!same) throw new Error(`benchmark: ${file} changed between two reads`);
}

function standardize(s: Standardizer, data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) row[c] = data[r * cols + c] as number;
    s.transformInto(row, out, r * cols);
  }
  return out;
}

/** Scores every row as live scoring would, one at a time: standardise, then score; timed. */
function scoreAll(
  model: SupervisedModel,
  standardizer: Standardizer,
  data: Float32Array | Float64Array,
  rows: number,
  cols: number,
): { scores: Float64Array; micros: number } {
  const scores = new Float64Array(rows);
  const z = new Float64Array(cols);
  const started = performance.now();
  for (let r = 0; r < rows; r++) {
    standardizer.transformInto(data.subarray(r * cols, (r + 1) * cols), z);
    scores[r] = model.score(z);
  }
  return { scores, micros: ((performance.now() - started) * 1000) / Math.max(1, rows) };
}

function evaluate(d: LabelledFeatures, scores: ArrayLike<number>, micros: number): ModelEvaluation {
  const all = rankingMetrics(scores, d.labels);
  const successes = rankingMetrics(scores, d.labels, d.success);
  const flagged = new Array<number>(d.scenarios.length).fill(0);
  const total = new Array<number>(d.scenarios.length).fill(0);
  const threshold = successes.thresholdAt1PctFpr;
  for (let r = 0; r < d.rows; r++) {
    if (d.success[r] !== 1 || d.labels[r] !== 1) continue;
    const s = d.scenario[r] as number;
    total[s] = (total[s] as number) + 1;
    if (threshold !== null && (scores[r] as number) >= threshold) flagged[s] = (flagged[s] as number) + 1;
  }
  const successRecallByScenario: Record<string, number | null> = {};
  d.scenarios.forEach((name, s) => {
    if (name === BENIGN_LABEL) return;
    const n = total[s] as number;
    successRecallByScenario[name] = n === 0 ? null : (flagged[s] as number) / n;
  });
  return { all, successes, successRecallByScenario, microsPerEvent: round(micros, 3) };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
