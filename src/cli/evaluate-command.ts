import { createReadStream, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { resolveScoringConfig } from '../config/resolve-config.js';
import { type AnomalyEnsemble, loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import { evaluateDataset } from '../train/evaluate-dataset.js';
import { evaluationFigures } from '../train/report/evaluation-figures.js';
import { formatEvaluation } from '../train/report/format-evaluation.js';
import { renderEvaluationReport } from '../train/report/render-report.js';

interface EvaluateFlags {
  input: string;
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
    .requiredOption('--input <file>', 'labelled JSONL or CSV login events (gzip too), in time order')
    .requiredOption('--models <dir>', 'trained anomaly models (`loginguard train --out DIR`)')
    .requiredOption('--report <file>', 'where the HTML report goes (one self-contained file)')
    .option('--json <file>', 'also write the figures as JSON')
    .option('--config <file>', 'scoring config (JSON): thresholds and model weights to evaluate with')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: EvaluateFlags, command: Command) => {
      try {
        await runEvaluate(flags);
      } catch (error) {
        command.error(`error: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
}

async function runEvaluate(flags: EvaluateFlags): Promise<void> {
  let size: number;
  try {
    size = statSync(flags.input).size;
  } catch {
    throw new Error(`cannot read --input ${flags.input}: no such file`);
  }
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
    bar?.start(Math.max(1, Math.round(size / 1e6)), 0);
    const file = createReadStream(flags.input);
    let input: NodeJS.ReadableStream = file;
    if (bar) {
      let read = 0;
      file.on('data', (chunk: string | Buffer) => {
        read += chunk.length;
        bar.update(Math.round(read / 1e6));
      });
      input = file.pipe(new PassThrough());
    }
    let shown = 0;
    const events = await evaluateDataset({
      input,
      name: flags.input,
      enricher: createEnricher(),
      config,
      models,
      onBadLine: (line, errors) => {
        if (++shown <= 20) {
          bar?.stop();
          process.stderr.write(`line ${line}: ${errors.map((e) => e.message).join('; ')}\n`);
        }
      },
    });
    bar?.stop();

    const figures = evaluationFigures(events, config, {
      input: flags.input,
      models: flags.models,
      modelsTraining: await trainingInfo(flags.models),
      generatedAt: new Date(),
    });
    await writeFile(flags.report, await renderEvaluationReport(figures));
    if (flags.json) await writeFile(flags.json, `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`${formatEvaluation(figures)}\n`);
    if (events.badLines > 20) process.stderr.write(`${events.badLines} bad lines skipped (first 20 shown)\n`);
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
