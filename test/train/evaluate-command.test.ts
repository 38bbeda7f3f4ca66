import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { saveAnomalyModels } from '../../src/detect/models/anomaly-ensemble.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { generateDataset } from '../../src/simulate/generate-dataset.js';
import { writeDataset } from '../../src/simulate/write-dataset.js';
import type { DetectionMetrics } from '../../src/train/detection-metrics.js';
import { DETECTORS } from '../../src/train/evaluate-dataset.js';
import type { EvaluationFigures } from '../../src/train/report/evaluation-figures.js';
import { trainModels } from '../../src/train/train-models.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-evaluate-'));
const history = join(dir, 'history.jsonl');
// A name with HTML in it: the report must show it, escaped, and never as markup.
const labelled = join(dir, 'eval <b>&"q".jsonl');
const models = join(dir, 'models');
const another = join(dir, 'another.jsonl');

beforeAll(async () => {
  await writeDataset(generateDataset({ users: 150, days: 20, seed: 41 }).records, { out: history });
  await writeDataset(generateDataset({ users: 150, days: 20, seed: 42 }).records, { out: labelled });
  await writeDataset(generateDataset({ users: 120, days: 15, seed: 43 }).records, { out: another });
  const trained = await trainModels({
    input: history,
    enricher: createEnricher(),
    config: resolveScoringConfig(),
    seed: 3,
    epochs: 2,
    maxRows: 5000,
  });
  await saveAnomalyModels(models, trained);
  trained.autoencoder.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loginguard evaluate', () => {
  it('writes a self-contained HTML report and JSON figures that agree with replay --models', () => {
    const report = join(dir, 'report.html');
    const json = join(dir, 'report.json');
    const run = runCli([
      'evaluate',
      '--input',
      labelled,
      '--models',
      models,
      '--report',
      report,
      '--json',
      json,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/events in [\d.]+ s with models \([\d,]+ events\/s/);
    expect(run.stdout).toMatch(/^ {2}Ensemble \(rules \+ models\)\s+[\d.]+\s+[\d.]+\s+[\d.]+%$/m);

    const html = readFileSync(report, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|@import|url\((?!#)/i); // url(#clip1): a clip path in the same SVG
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toContain('<b>&');
    expect(html).toContain('eval &lt;b&gt;&amp;&quot;q&quot;.jsonl');

    const f = JSON.parse(readFileSync(json, 'utf8')) as EvaluationFigures;
    expect(f.counts.attack).toBeGreaterThan(0);
    expect(f.counts.attackSuccessful).toBeGreaterThan(0);
    for (const pop of [f.populations.successful, f.populations.all]) {
      expect(Object.keys(pop.detectors)).toEqual([...DETECTORS]);
      for (const d of DETECTORS) {
        const x = pop.detectors[d];
        expect(x.rocAuc).toBeGreaterThanOrEqual(0);
        expect(x.rocAuc).toBeLessThanOrEqual(1);
        expect(x.prAuc).toBeGreaterThan(0);
        expect(x.recallAtFpr?.fpr).toBeLessThanOrEqual(0.01);
        expect(x.roc.length).toBeGreaterThan(1);
      }
      const cells = Object.values(pop.confusion.ensemble);
      expect(cells.reduce((n, c) => n + c.benign + c.attack, 0)).toBe(pop.benign + pop.attack);
    }
    // On all events the rules catch brute force and spray by volume: far from chance.
    expect(f.populations.all.detectors.rules.rocAuc).toBeGreaterThan(0.9);

    // The per-scenario figures are what `replay --models` reports for the same file and models.
    const metricsPath = join(dir, 'replay.json');
    const replay = runCli([
      'replay',
      labelled,
      '--models',
      models,
      '--threads',
      '1',
      '--no-progress',
      '--metrics',
      metricsPath,
    ]);
    expect(replay.status).toBe(0);
    const metrics = JSON.parse(readFileSync(metricsPath, 'utf8')) as DetectionMetrics;
    const scenarios = metrics.labelled?.scenarios ?? {};
    const attacks = f.scenarios.filter((s) => s.scenario !== 'benign');
    expect(attacks.map((s) => s.scenario).sort()).toEqual(Object.keys(scenarios).sort());
    for (const s of attacks) {
      const r = scenarios[s.scenario];
      expect({ successes: s.successes, flagged: s.ensemble.flagged, denied: s.ensemble.denied }).toEqual({
        successes: r?.successes,
        flagged: r?.successesFlagged,
        denied: r?.successesDenied,
      });
      // The ensemble adds to the rules' score, never takes from it.
      expect(s.ensemble.flagged).toBeGreaterThanOrEqual(s.rules.flagged);
      expect(s.ensemble.flagged - s.rules.flagged).toBe(s.addedByModels);
    }
    const benign = f.scenarios.find((s) => s.scenario === 'benign');
    expect(benign?.ensemble.eventsFlagged).toBe(
      (metrics.labelled?.benign.challenged ?? -1) + (metrics.labelled?.benign.denied ?? -1),
    );
  });

  it('measures several files together, each replayed on its own baselines', () => {
    const figures = (inputs: string[], name: string): EvaluationFigures => {
      const json = join(dir, `${name}.json`);
      const run = runCli([
        'evaluate',
        '--input',
        ...inputs,
        '--models',
        models,
        '--report',
        join(dir, `${name}.html`),
        '--json',
        json,
      ]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      return JSON.parse(readFileSync(json, 'utf8')) as EvaluationFigures;
    };
    const one = figures([labelled], 'one');
    const two = figures([another], 'two');
    const both = figures([labelled, another], 'both');
    expect(both.input).toBe(`${labelled}, ${another}`);
    for (const k of [
      'events',
      'labelled',
      'benign',
      'attack',
      'benignSuccessful',
      'attackSuccessful',
    ] as const) {
      expect(both.counts[k]).toBe(one.counts[k] + two.counts[k]);
    }
    // Flagged counts add up: the second file was not scored on the baselines the first one built.
    const byName = (f: EvaluationFigures) => new Map(f.scenarios.map((s) => [s.scenario, s]));
    const [a, b] = [byName(one), byName(two)];
    for (const s of both.scenarios) {
      const sum = (pick: (x: EvaluationFigures['scenarios'][number]) => number) =>
        (a.has(s.scenario) ? pick(a.get(s.scenario) as never) : 0) +
        (b.has(s.scenario) ? pick(b.get(s.scenario) as never) : 0);
      expect(s.successes).toBe(sum((x) => x.successes));
      expect(s.ensemble.flagged).toBe(sum((x) => x.ensemble.flagged));
      expect(s.ensemble.eventsFlagged).toBe(sum((x) => x.ensemble.eventsFlagged));
    }
    expect(both.populations.successful.attack).toBe(
      one.populations.successful.attack + two.populations.successful.attack,
    );
  });

  it('names a missing file among several before replaying any', () => {
    const report = join(dir, 'pool-missing.html');
    const run = runCli([
      'evaluate',
      '--input',
      labelled,
      join(dir, 'gone.jsonl'),
      '--models',
      models,
      '--report',
      report,
    ]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/cannot read --input .*gone\.jsonl: no such file/);
    expect(existsSync(report)).toBe(false);
  });

  it('says the models directory is missing, and exits non-zero', () => {
    const report = join(dir, 'no-models.html');
    const run = runCli([
      'evaluate',
      '--input',
      labelled,
      '--models',
      join(dir, 'nowhere'),
      '--report',
      report,
    ]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/cannot load the models from .*nowhere.*ensemble\.json: cannot be read/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
    expect(existsSync(report)).toBe(false);
  });

  it('refuses a file without labels, and a missing input, with a clear error', () => {
    const unlabelled = join(dir, 'unlabelled.jsonl');
    const lines = readFileSync(labelled, 'utf8').trimEnd().split('\n').slice(0, 3000);
    writeFileSync(
      unlabelled,
      `${lines
        .map((l) => {
          const { label: _label, ...rest } = JSON.parse(l) as Record<string, unknown>;
          return JSON.stringify(rest);
        })
        .join('\n')}\n`,
    );
    const report = join(dir, 'unlabelled.html');
    const run = runCli(['evaluate', '--input', unlabelled, '--models', models, '--report', report]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/no event in .*unlabelled\.jsonl carries a label/);
    expect(existsSync(report)).toBe(false);

    const missing = runCli([
      'evaluate',
      '--input',
      join(dir, 'nope.jsonl'),
      '--models',
      models,
      '--report',
      report,
    ]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/cannot read --input .*nope\.jsonl/);
  });
});
