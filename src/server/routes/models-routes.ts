import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { EvaluationFigures } from '../../train/report/evaluation-figures.js';
import type { AppDeps } from '../app-deps.js';

/** Where `loginguard evaluate --json` output is looked for, under the data directory. */
export const EVALUATION_FILE = join('reports', 'evaluation.json');

/** What `ensemble.json` of the loaded models says about them. */
export interface ModelsInfo {
  dir: string;
  tag: string | null;
  version: number | null;
  featureSchemaVersion: number | null;
  features: string[];
  /** The training data: input, events, normal-looking, sampled, calibration rows, seed. */
  training: Record<string, unknown> | null;
  /** When ensemble.json was written (file time). */
  savedAt: string | null;
}

/**
 * What `GET /v1/models` answers: the anomaly models in use and the latest evaluation.
 *
 * @example
 * { loaded: true, models: { dir: 'data/models', features: […], training: { events: 84211, … } },
 *   evaluation: null, evaluationFile: 'data/reports/evaluation.json',
 *   howToEvaluate: 'loginguard evaluate --input labelled.jsonl --models data/models --json …' }
 */
export interface ModelsView {
  /** Whether the service scores with the anomaly models (false: the rules alone). */
  loaded: boolean;
  models: ModelsInfo | null;
  /** The evaluation file's figures the dashboard draws (curves thinned, per-scenario detection). */
  evaluation: EvaluationView | null;
  /** Why the evaluation file could not be read, when it exists but is not usable. */
  evaluationError: string | null;
  evaluationFile: string;
  /** The command that writes the evaluation file. */
  howToEvaluate: string;
}

/** The part of `EvaluationFigures` the models page shows: no histograms, PR curves or features (a tenth of the file). */
export type EvaluationView = Pick<
  EvaluationFigures,
  'input' | 'models' | 'modelsTraining' | 'generatedAt' | 'thresholds' | 'counts' | 'scenarios'
> & {
  populations: Record<
    'successful' | 'all',
    {
      benign: number;
      attack: number;
      detectors: Record<
        string,
        Pick<
          EvaluationFigures['populations']['all']['detectors']['rules'],
          'rocAuc' | 'prAuc' | 'recallAtFpr' | 'roc' | 'rocLowFpr'
        >
      >;
    }
  >;
};

/** `GET /v1/models` (scope `read`): the anomaly models in use and the latest evaluation's figures. */
export async function modelsRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const evaluationFile = join(deps.config.service.dataDir, EVALUATION_FILE);
  // Models, once loaded, stay until the process ends; models fitted after a warm-up appear while
  // it runs. Read once per directory. Models that loaded have a readable ensemble.json; if it went
  // away since, say less, not 500.
  let read: { dir: string; info: Promise<ModelsInfo | null> } | undefined;
  const infoOf = (dir: string | undefined) => {
    if (dir === undefined) return Promise.resolve(null);
    if (read?.dir !== dir) read = { dir, info: modelsInfo(dir).catch(() => null) };
    return read.info;
  };

  app.get(
    '/v1/models',
    {
      config: { scope: 'read' },
      schema: {
        summary:
          'The anomaly models in use (training info) and the latest evaluation (ROC, recall by scenario)',
        tags: ['read'],
      },
    },
    async (): Promise<ModelsView> => {
      const evaluation = await readEvaluation(evaluationFile);
      const dir = deps.modelsDir?.();
      const modelsArg = dir ?? '<models dir>';
      return {
        loaded: dir !== undefined,
        models: await infoOf(dir),
        evaluation: evaluation.view,
        evaluationError: evaluation.error,
        evaluationFile,
        howToEvaluate: `loginguard evaluate --input labelled.jsonl --models ${modelsArg} --report report.html --json ${evaluationFile}`,
      };
    },
  );
}

async function modelsInfo(dir: string): Promise<ModelsInfo> {
  const file = join(dir, 'ensemble.json');
  const [text, stats] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
  const json = JSON.parse(text) as Record<string, unknown>;
  const training = json.training;
  return {
    dir,
    tag: typeof json.tag === 'string' ? json.tag : null,
    version: typeof json.version === 'number' ? json.version : null,
    featureSchemaVersion: typeof json.featureSchemaVersion === 'number' ? json.featureSchemaVersion : null,
    features: Array.isArray(json.features) ? json.features.map(String) : [],
    training:
      typeof training === 'object' && training !== null && !Array.isArray(training)
        ? (training as Record<string, unknown>)
        : null,
    savedAt: stats.mtime.toISOString(),
  };
}

/** The evaluation file, trimmed to what the page draws; a missing file is not an error. */
async function readEvaluation(file: string): Promise<{ view: EvaluationView | null; error: string | null }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { view: null, error: null };
    return { view: null, error: `cannot be read: ${(err as Error).message}` };
  }
  let figures: EvaluationFigures;
  try {
    figures = JSON.parse(text) as EvaluationFigures;
  } catch (err) {
    return { view: null, error: `not valid JSON: ${(err as Error).message}` };
  }
  if (!figures?.populations?.all?.detectors || !Array.isArray(figures.scenarios)) {
    return {
      view: null,
      error: 'not the output of `loginguard evaluate --json` (no populations or scenarios)',
    };
  }
  const population = (p: EvaluationFigures['populations']['all']) => ({
    benign: p.benign,
    attack: p.attack,
    detectors: Object.fromEntries(
      Object.entries(p.detectors).map(([name, d]) => [
        name,
        { rocAuc: d.rocAuc, prAuc: d.prAuc, recallAtFpr: d.recallAtFpr, roc: d.roc, rocLowFpr: d.rocLowFpr },
      ]),
    ),
  });
  return {
    view: {
      input: figures.input,
      models: figures.models,
      modelsTraining: figures.modelsTraining,
      generatedAt: figures.generatedAt,
      thresholds: figures.thresholds,
      counts: figures.counts,
      scenarios: figures.scenarios,
      populations: {
        successful: population(figures.populations.successful ?? figures.populations.all),
        all: population(figures.populations.all),
      },
    },
    error: null,
  };
}
