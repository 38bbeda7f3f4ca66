import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { loadAnomalyModels, saveAnomalyModels } from '../../src/detect/models/anomaly-ensemble.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { validateEvent } from '../../src/event/validate-event.js';
import { createPipeline } from '../../src/pipeline.js';
import { MemoryScoringState } from '../../src/profile/scoring-state.js';
import { generateDataset } from '../../src/simulate/generate-dataset.js';
import { writeDataset } from '../../src/simulate/write-dataset.js';
import { trainModels } from '../../src/train/train-models.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-train-'));
const history = join(dir, 'history.jsonl');
const config = resolveScoringConfig();
const enricher = createEnricher();

beforeAll(async () => {
  await writeDataset(generateDataset({ users: 150, days: 20, seed: 31 }).records, { out: history });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (seed: number) =>
  trainModels({ input: history, enricher, config, seed, epochs: 2, maxRows: 20_000 });
const hashDir = (d: string) =>
  ['ensemble.json', 'isolation-forest.json', 'autoencoder/model.json', 'autoencoder/weights.bin']
    .map((f) =>
      createHash('sha256')
        .update(readFileSync(join(d, f)))
        .digest('hex'),
    )
    .join(',');

describe('trainModels', () => {
  it('fits on the normal-looking logins only, and the same seed writes the same model bytes', async () => {
    const a = await train(5);
    expect(a.training.normalLooking).toBeLessThan(a.training.events); // the attacks were left out
    expect(a.training.sampled).toBe(Math.min(20_000, a.training.normalLooking));
    await saveAnomalyModels(join(dir, 'a'), a);
    const b = await train(5);
    await saveAnomalyModels(join(dir, 'b'), b);
    const c = await train(6);
    await saveAnomalyModels(join(dir, 'c'), c);
    for (const m of [a, b, c]) m.autoencoder.dispose();
    expect(hashDir(join(dir, 'a'))).toBe(hashDir(join(dir, 'b')));
    expect(hashDir(join(dir, 'a'))).not.toBe(hashDir(join(dir, 'c')));
  });

  it('scores attacks as more unusual than benign logins on data from another seed, and explains ML_ANOMALY', async () => {
    const models = await loadAnomalyModels(join(dir, 'a'), config);
    const pipeline = createPipeline({ enricher, config, models });
    const state = new MemoryScoringState(config);
    const benign: number[] = [];
    const attack: number[] = [];
    let explained = '';
    for (const record of generateDataset({ users: 150, days: 20, seed: 32 }).records) {
      const valid = validateEvent(record);
      if (!valid.ok) throw new Error(valid.errors[0]?.message);
      const a = pipeline.assess(valid.event, state);
      const m = a.scores.models as number;
      (record.label === 'benign' ? benign : attack).push(m);
      const reason = a.reasons.find((r) => r.code === 'ML_ANOMALY');
      if (reason && record.label !== 'benign' && !explained) explained = reason.message;
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(attack.length).toBeGreaterThan(50);
    expect(mean(attack)).toBeGreaterThan(mean(benign) + 0.2);
    expect(explained).toMatch(
      /^Unusual combination for this user \(1 in [\d,]+ normal logins|rarer than any normal login\)/,
    );
    models.autoencoder.dispose();
  });

  it('refuses models trained on another feature list, naming the problem', async () => {
    const copy = join(dir, 'a', 'ensemble.json');
    const original = readFileSync(copy, 'utf8');
    const json = JSON.parse(original) as { features: string[] };
    json.features = [...json.features].reverse();
    writeFileSync(copy, JSON.stringify(json));
    await expect(loadAnomalyModels(join(dir, 'a'), config)).rejects.toThrow(/features/);
    writeFileSync(copy, JSON.stringify({ ...JSON.parse(original), tag: 'something-else' }));
    await expect(loadAnomalyModels(join(dir, 'a'), config)).rejects.toThrow(/tag/);
    writeFileSync(copy, original);
    await expect(loadAnomalyModels(join(dir, 'missing'), config)).rejects.toThrow(/cannot be read/);
  });
});
