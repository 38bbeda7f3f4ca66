import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { saveAnomalyModels } from '../../src/detect/models/anomaly-ensemble.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { generateDataset } from '../../src/simulate/generate-dataset.js';
import { writeDataset } from '../../src/simulate/write-dataset.js';
import { trainModels } from '../../src/train/train-models.js';
import { auth, eventBody, testService } from './test-service.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-service-models-'));
const modelsDir = join(dir, 'models');

beforeAll(async () => {
  const history = join(dir, 'history.jsonl');
  await writeDataset(generateDataset({ users: 100, days: 14, seed: 41 }).records, { out: history });
  const models = await trainModels({
    input: history,
    enricher: createEnricher(),
    config: resolveScoringConfig(),
    epochs: 2,
  });
  await saveAnomalyModels(modelsDir, models);
  models.autoencoder.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the service with trained models', () => {
  it('scores every login with the rules and the models (LOGINGUARD_MODELS_DIR)', async () => {
    const t = await testService({ modelsDir });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/assess',
        headers: auth(t.keys.ingest),
        payload: eventBody(),
      });
      expect(res.statusCode).toBe(200);
      const scores = res.json().scores as Record<string, number>;
      expect(Object.keys(scores).sort()).toEqual([
        'autoencoder',
        'ensemble',
        'isolationForest',
        'models',
        'rules',
      ]);
      for (const v of Object.values(scores)) expect(v).toBeGreaterThanOrEqual(0);
    } finally {
      await t.close();
    }
  });

  it('stops start-up with a clear error when the models directory holds no models', async () => {
    await expect(testService({ modelsDir: join(dir, 'nothing-here') })).rejects.toThrow(
      /ensemble\.json.*cannot be read/,
    );
  });
});
