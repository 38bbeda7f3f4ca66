import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { saveAnomalyModels } from '../../src/detect/models/anomaly-ensemble.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { generateDataset } from '../../src/simulate/generate-dataset.js';
import { writeDataset } from '../../src/simulate/write-dataset.js';
import { trainModels } from '../../src/train/train-models.js';
import { auth, testService } from '../server/test-service.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-models-api-'));
const modelsDir = join(dir, 'models');

beforeAll(async () => {
  const history = join(dir, 'history.jsonl');
  await writeDataset(generateDataset({ users: 60, days: 14, seed: 7 }).records, { out: history });
  const models = await trainModels({
    input: history,
    enricher: createEnricher(),
    config: resolveScoringConfig(),
    epochs: 1,
  });
  await saveAnomalyModels(modelsDir, models);
  models.autoencoder.dispose();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const curve = [
  { x: 0, y: 0, threshold: null },
  { x: 0.1, y: 0.8, threshold: 0.5 },
  { x: 1, y: 1, threshold: 0 },
];
const detector = (auc: number) => ({
  rocAuc: auc,
  prAuc: auc - 0.1,
  recallAtFpr: { recall: 0.7, threshold: 0.6, fpr: 0.01 },
  roc: curve,
  rocLowFpr: curve,
  pr: curve,
  histogram: { benign: [1, 2], attack: [3, 4] },
});
/** The shape `loginguard evaluate --json` writes (src/train/report/evaluation-figures.ts), small. */
function evaluationJson() {
  const population = {
    benign: 900,
    attack: 100,
    detectors: { rules: detector(0.91), ensemble: detector(0.95) },
    confusion: {},
  };
  return {
    input: 'labelled.jsonl',
    models: 'data/models',
    modelsTraining: { events: 1234 },
    generatedAt: '2026-11-01T10:00:00.000Z',
    thresholds: { challenge: 0.5, deny: 0.85 },
    counts: { events: 1000, labelled: 1000, benign: 900, attack: 100 },
    populations: { successful: population, all: population },
    scenarios: [
      {
        scenario: 'account_takeover',
        events: 40,
        successes: 20,
        rules: { flagged: 15, denied: 5, eventsFlagged: 30 },
        ensemble: { flagged: 18, denied: 6, eventsFlagged: 33 },
        addedByModels: 3,
      },
    ],
    features: [
      { name: 'f', meaning: 'm', successful: { benign: 0, attack: 1 }, all: { benign: 0, attack: 1 } },
    ],
    timing: {},
  };
}

describe('GET /v1/models', () => {
  it('says the rules score alone and how to produce an evaluation when there is none', async () => {
    const t = await testService();
    try {
      const res = await t.app.inject({ url: '/v1/models', headers: auth(t.keys.read) });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.loaded).toBe(false);
      expect(body.models).toBeNull();
      expect(body.evaluation).toBeNull();
      expect(body.evaluationError).toBeNull();
      expect(body.evaluationFile).toBe(join(t.dataDir, 'reports', 'evaluation.json'));
      expect(body.howToEvaluate).toMatch(/^loginguard evaluate .*--json .*evaluation\.json$/);
      expect((await t.app.inject({ url: '/v1/models', headers: auth(t.keys.ingest) })).statusCode).toBe(403);
    } finally {
      await t.close();
    }
  });

  it('describes the loaded models from ensemble.json and shows the evaluation file, trimmed', async () => {
    const t = await testService({ modelsDir });
    try {
      mkdirSync(join(t.dataDir, 'reports'));
      writeFileSync(join(t.dataDir, 'reports', 'evaluation.json'), JSON.stringify(evaluationJson()));
      const body = (await t.app.inject({ url: '/v1/models', headers: auth(t.keys.read) })).json();
      expect(body.loaded).toBe(true);
      expect(body.models.dir).toBe(modelsDir);
      expect(body.models.tag).toBe('loginguard.anomaly-ensemble');
      expect(body.models.features.length).toBeGreaterThan(0);
      expect(body.models.training.input).toBe(join(dir, 'history.jsonl'));
      expect(body.models.training.events).toBeGreaterThan(0);
      expect(body.howToEvaluate).toContain(`--models ${modelsDir}`);

      const ev = body.evaluation;
      expect(ev.generatedAt).toBe('2026-11-01T10:00:00.000Z');
      expect(ev.scenarios).toEqual(evaluationJson().scenarios);
      expect(ev.populations.all.detectors.ensemble).toEqual({
        rocAuc: 0.95,
        prAuc: 0.95 - 0.1,
        recallAtFpr: { recall: 0.7, threshold: 0.6, fpr: 0.01 },
        roc: curve,
        rocLowFpr: curve,
      });
      expect(ev.features).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('reports an unreadable evaluation file instead of failing', async () => {
    const t = await testService();
    try {
      mkdirSync(join(t.dataDir, 'reports'));
      writeFileSync(join(t.dataDir, 'reports', 'evaluation.json'), '{"not":');
      const body = (await t.app.inject({ url: '/v1/models', headers: auth(t.keys.read) })).json();
      expect(body.evaluation).toBeNull();
      expect(body.evaluationError).toMatch(/not valid JSON/);
      writeFileSync(join(t.dataDir, 'reports', 'evaluation.json'), '{"scenarios": 3}');
      const again = (await t.app.inject({ url: '/v1/models', headers: auth(t.keys.read) })).json();
      expect(again.evaluationError).toMatch(/not the output of `loginguard evaluate --json`/);
    } finally {
      await t.close();
    }
  });
});
