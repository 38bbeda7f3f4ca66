import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { saveAnomalyModels } from '../../src/detect/models/anomaly-ensemble.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { FEATURE_COUNT } from '../../src/features/feature-names.js';
import { generateDataset } from '../../src/simulate/generate-dataset.js';
import { writeDataset } from '../../src/simulate/write-dataset.js';
import { benchmarkSupervised, type SupervisedBenchmark } from '../../src/train/benchmark-supervised.js';
import { labelledFeatures } from '../../src/train/labelled-features.js';
import { LogisticRegressionModel } from '../../src/train/supervised/logistic-regression-model.js';
import { trainModels } from '../../src/train/train-models.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-benchmark-'));
const trainFile = join(dir, 'train.jsonl');
const testFile = join(dir, 'test.jsonl');
const unlabelledFile = join(dir, 'unlabelled.jsonl');
const benignOnlyFile = join(dir, 'benign-only.jsonl');
const modelsDir = join(dir, 'models');
const config = resolveScoringConfig();
const enricher = createEnricher();

beforeAll(async () => {
  await writeDataset(generateDataset({ users: 250, days: 14, seed: 1001 }).records, { out: trainFile });
  await writeDataset(generateDataset({ users: 250, days: 14, seed: 2002 }).records, { out: testFile });
  const lines = readFileSync(trainFile, 'utf8').trimEnd().split('\n');
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  writeFileSync(unlabelledFile, records.map(({ label: _, ...rest }) => JSON.stringify(rest)).join('\n'));
  writeFileSync(benignOnlyFile, lines.filter((_, i) => records[i]?.label === 'benign').join('\n'));
  const models = await trainModels({ input: trainFile, enricher, config, seed: 1, epochs: 1, maxRows: 2000 });
  await saveAnomalyModels(modelsDir, models);
  models.autoencoder.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('labelledFeatures', () => {
  it('gives one row per labelled event, in file order, with its label, success and features', async () => {
    const records = readFileSync(testFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { label: string; success: boolean });
    const d = await labelledFeatures({ input: testFile, enricher, config });
    expect(d.rows).toBe(records.length);
    expect(d.features?.data.length).toBe(records.length * FEATURE_COUNT);
    records.forEach((r, i) => {
      expect(d.scenarios[d.scenario[i] as number]).toBe(r.label);
      expect(d.labels[i]).toBe(r.label === 'benign' ? 0 : 1);
      expect(d.success[i]).toBe(r.success ? 1 : 0);
    });
    // The brute-force lockout gives its events a risk of 1 whatever the rules said.
    expect(Math.max(...d.riskScore)).toBe(1);
  });
});

describe('loginguard benchmark', () => {
  it('trains the four models, prints the table and writes the JSON for the report', () => {
    const json = join(dir, 'benchmark.json');
    const run = runCli([
      'benchmark',
      '--train',
      trainFile,
      '--test',
      testFile,
      '--models',
      modelsDir,
      '--max-train',
      '400',
      '--json',
      json,
      '--no-progress',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const b = JSON.parse(readFileSync(json, 'utf8')) as SupervisedBenchmark;
    expect(b.tag).toBe('loginguard.supervised-benchmark');
    expect(b.scorers.map((s) => s.name)).toEqual([
      'logistic_regression',
      'random_forest',
      'svm_rbf',
      'neural_network',
      'rules',
      'anomaly_ensemble',
      'rules_plus_ml',
    ]);
    expect(b.tests).toHaveLength(1);
    expect(b.tests[0]?.attacks).toBeGreaterThan(0);
    expect(b.tests[0]?.attackSuccesses).toBeGreaterThan(0);
    for (const s of b.scorers) {
      if (s.kind === 'supervised') expect(s.fit?.rows).toBeLessThanOrEqual(400);
      const e = s.evaluations[0];
      if (!e) throw new Error(`${s.name} has no evaluation`);
      expect(e.all.positives).toBe(b.tests[0]?.attacks);
      expect(e.successes.positives).toBe(b.tests[0]?.attackSuccesses);
      // Sanity, not tuning: attacks of the project's own generator are easy to rank on all events.
      expect(e.all.rocAuc).toBeGreaterThan(0.9);
      // The table prints what the JSON holds.
      const line = run.stdout.split('\n').find((l) => l.startsWith(`${s.name} `));
      expect(line).toContain((e.all.rocAuc as number).toFixed(4));
      expect(line).toContain(`${(100 * (e.successes.recallAt1PctFpr as number)).toFixed(1)}%`);
    }
    expect(run.stdout).toMatch(/^test: .*test\.jsonl: [\d,]+ labelled events, [\d,]+ attacks/m);
    expect(run.stdout).toMatch(/per scenario:\nscenario/);
    expect(run.stdout).toContain(`results written to ${json}`);
  });

  it('explains that an unlabelled file cannot train a supervised model', async () => {
    await expect(
      benchmarkSupervised({ train: unlabelledFile, tests: [testFile], enricher, config, models: [] }),
    ).rejects.toThrow(
      /^no event in .*unlabelled\.jsonl carries a label .*"label": "benign" or an attack scenario/,
    );
  });

  it('explains that a file of one class only cannot train or test one', async () => {
    const run = runCli(['benchmark', '--train', benignOnlyFile, '--test', testFile, '--no-progress']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^loginguard benchmark: the training file .*benign-only\.jsonl holds one class only: all \d+ labelled events are "benign"/,
    );
    await expect(
      benchmarkSupervised({
        train: trainFile,
        tests: [benignOnlyFile],
        enricher,
        config,
        models: [new LogisticRegressionModel({ steps: 5, maxRows: 200 })],
      }),
    ).rejects.toThrow(/the test file .*benign-only\.jsonl holds one class only/);
  });
});
