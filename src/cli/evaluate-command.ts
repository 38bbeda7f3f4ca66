import { createReadStream, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { resolveScoringConfig } from '../config/resolve-config.js';
import { type AnomalyEnsemble, loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import { type EvaluatedEvents, evaluateDataset } from '../train/evaluate-dataset.js';
import { mergeEvaluations } from '../train/merge-evaluations.js';
import { evaluationFigures } from '../train/report/evaluation-figures.js';
import { formatEvaluation } from '../train/report/format-evaluation.js';
import { renderEvaluationReport } from '../train/report/render-report.js';

interface EvaluateFlags {
  input: string[];
  models: string;
  report: string;
  json?: string;
  config?: string;
  progress: boolean;
}

/**
 * `loginguard evaluate`: replays a labelled dataset through the pipeline with trained models and
 * measures detection per detector (ROC, PR, recall at 1% FPR, per scenario, confusion matrix,
 * timings) into one self-contained HTML report and, optionally, the same figures as JSON.
 *
 * @example
 * loginguard train --input history.jsonl --out models
 * loginguard evaluate --input labelled.jsonl --models models --report report.html --json report.json
 */
export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description(
      'Measure detection on a labelled dataset with trained models: ROC and PR curves per detector, ' +
        'recall per scenario at the configured thresholds, confusion matrix, timings; one offline HTML page.',
    )
    .requiredOption(
      '--input <files...>',
      'labelled JSONL or CSV login events (gzip too), in time order; several files are each replayed on their own (own baselines) and measured together',
    )
    .requiredOption('--models <dir>', 'trained anomaly models (`loginguard train --out DIR`)')
    .requiredOption('--report <file>', 'where the HTML report goes (one self-contained file)')
    .option('--json <file>', 'also write the figures as JSON')
    .option('--config <file>', 'scoring config (JSON): thresholds and model weights to evaluate with')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: EvaluateFlags) => {
      await runEvaluate(flags);
    });
}

async function runEvaluate(flags: EvaluateFlags): Promise<void> {
  // Every file is checked before the first (long) replay starts.
  const sizes = flags.input.map((file) => {
    try {
      return statSync(file).size;
    } catch {
      throw new Error(`cannot read --input ${file}: no such file`);
    }
  });
  const config = resolveScoringConfig(flags.config ? JSON.parse(await readFile(flags.config, 'utf8')) : {});
  let models: AnomalyEnsemble;
  try {
    models = await loadAnomalyModels(flags.models, config);
  } catch (error) {
    throw new Error(
      `cannot load the models from ${flags.models} (train them with loginguard train --out ${flags.models}): ${(error as Error).message}`,
    );
  }
  try {
    const bar =
      flags.progress && process.stderr.isTTY === true
        ? new SingleBar({
            format: 'evaluate [{bar}] {percentage}% | {value}/{total} MB | eta {eta}s',
            stream: process.stderr,
            hideCursor: true,
          })
        : undefined;
    bar?.start(Math.max(1, Math.round(sizes.reduce((a, b) => a + b, 0) / 1e6)), 0);
    let read = 0;
    let shown = 0;
    let badLines = 0;
    const parts: EvaluatedEvents[] = [];
    for (const path of flags.input) {
      const file = createReadStream(path);
      let input: NodeJS.ReadableStream = file;
      if (bar) {
        file.on('data', (chunk: string | Buffer) => {
          read += chunk.length;
          bar.update(Math.round(read / 1e6));
        });
        input = file.pipe(new PassThrough());
      }
      const part = await evaluateDataset({
        input,
        name: path,
        enricher: createEnricher(),
        config,
        models,
        onBadLine: (line, errors) => {
          if (++shown <= 20) {
            bar?.stop();
            const where = flags.input.length > 1 ? `${path} ` : '';
            process.stderr.write(`${where}line ${line}: ${errors.map((e) => e.message).join('; ')}\n`);
          }
        },
      });
      badLines += part.badLines;
      parts.push(part);
    }
    bar?.stop();
    const events = mergeEvaluations(parts);

    const figures = evaluationFigures(events, config, {
      input: flags.input.join(', '),
      models: flags.models,
      modelsTraining: await trainingInfo(flags.models),
      generatedAt: new Date(),
    });
    await writeFile(flags.report, await renderEvaluationReport(figures));
    if (flags.json) await writeFile(flags.json, `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`${formatEvaluation(figures)}\n`);
    if (badLines > 20) process.stderr.write(`${badLines} bad lines skipped (first 20 shown)\n`);
    process.stdout.write(
      `report written to ${flags.report}${flags.json ? `, figures to ${flags.json}` : ''}\n`,
    );
  } finally {
    models.autoencoder.dispose();
  }
}

/** What `ensemble.json` records about the training data; null when it records nothing readable. */
async function trainingInfo(dir: string): Promise<Record<string, unknown> | null> {
  try {
    const json = JSON.parse(await readFile(join(dir, 'ensemble.json'), 'utf8')) as { training?: unknown };
    const t = json.training;
    return t !== null && typeof t === 'object' && !Array.isArray(t) ? (t as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
