import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { resolveScoringConfig } from '../config/resolve-config.js';
import type { ScoringConfig } from '../config/scoring-config.js';
import { AnomalyEnsemble, loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import type { Enricher } from '../enrich/enricher.js';
import type { EventFieldError } from '../event/event-error.js';
import { createPipeline } from '../pipeline.js';
import { MemoryScoringState } from '../profile/scoring-state.js';
import { replayInParallel } from '../replay/parallel-replay.js';
import { type ReplayResult, replayEvents } from '../replay/replay-events.js';
import { formatMetrics } from '../train/detection-metrics.js';
import { samplingPipeline } from '../train/normal-login-sample.js';
import { fitModels } from '../train/train-models.js';

/** `loginguard replay <file|->`: score a file of events through the same pipeline as live traffic. */
export function replayCommand(): Command {
  return new Command('replay')
    .description(
      'Stream login events (JSONL or CSV, gzip or not) through assess(), learning baselines as it goes; ' +
        'write one assessment per event, in order, and print a summary (detection per scenario when events carry `label`).',
    )
    .argument('<input>', 'events file, or - for stdin')
    .option('-o, --out <file>', 'where to write the assessments (JSONL); - for stdout')
    .addOption(
      new Option('--format <format>', 'input format').choices(['auto', 'jsonl', 'csv']).default('auto'),
    )
    .option('--config <file>', 'scoring config (JSON) overriding the defaults')
    .option('--models <dir>', 'score with trained anomaly models too (`loginguard train`)')
    .option(
      '--fit-after <n>',
      'without --models: score the first n events with the rules, fit the anomaly models on them (normal-looking logins only, as `train` does), then score the rest with the models too',
    )
    .option('--metrics <file>', 'also write the summary figures as JSON')
    .option('--allow-future', 'accept events timestamped more than a day after now (refused by default)')
    .option(
      '--threads <n>',
      'threads to score with (users are split between them; same results as 1). Default: 2 on a file when the machine has 2+ cores, 1 on stdin',
    )
    .option('--no-progress', 'no progress bar')
    .action(async (input: string, opts: ReplayCliOptions) => {
      await runReplay(input, opts);
    });
}

interface ReplayCliOptions {
  out?: string;
  format: 'auto' | 'jsonl' | 'csv';
  config?: string;
  models?: string;
  fitAfter?: string;
  metrics?: string;
  progress: boolean;
  allowFuture?: boolean;
  threads?: string;
}

const DAY_MS = 86_400_000;

async function runReplay(input: string, opts: ReplayCliOptions): Promise<void> {
  const configInput: unknown = opts.config ? JSON.parse(await readFile(opts.config, 'utf8')) : {};
  const config = resolveScoringConfig(configInput);
  const fitAfter = fitAfterOf(opts);
  // The warm-up must see every event before the models are fitted: one thread.
  const threads = fitAfter === undefined ? threadCount(input, opts.threads) : 1;

  let output: Writable | undefined;
  if (opts.out === '-') output = process.stdout;
  else if (opts.out) output = createWriteStream(opts.out);

  // Validation, not scoring, looks at the clock: a login from years ahead is a broken record.
  const validate = opts.allowFuture ? {} : { maxTimestampMs: Date.now() + DAY_MS };
  let shownErrors = 0;
  let bar: SingleBar | undefined;
  const onBadLine = (line: number, errors: EventFieldError[]) => {
    if (++shownErrors <= 1000) {
      bar?.stop();
      process.stderr.write(`line ${line}: ${errors.map((e) => e.message).join('; ')}\n`);
    }
  };

  let result: ReplayResult;
  if (threads > 1) {
    bar = opts.progress && process.stderr.isTTY === true ? progressBar(statSync(input).size) : undefined;
    result = await replayInParallel({
      input,
      format: opts.format,
      validate,
      config: configInput,
      models: opts.models,
      threads,
      output,
      onBadLine,
      onProgress: (bytes) => bar?.update(Math.round(bytes / 1e6)),
    });
  } else {
    const opened = openInput(input, opts.progress && process.stderr.isTTY === true);
    bar = opened.bar;
    const enricher = createEnricher();
    const models = opts.models ? await loadAnomalyModels(opts.models, config) : undefined;
    const warmUp =
      fitAfter === undefined
        ? undefined
        : fitAfterWarmUp(fitAfter, input, enricher, config, () => bar?.stop());
    result = await replayEvents({
      pipeline: warmUp?.pipeline ?? createPipeline({ enricher, config, ...(models ? { models } : {}) }),
      state: new MemoryScoringState(config),
      input: opened.stream,
      format: opts.format,
      validate,
      output,
      onBadLine,
      ...(warmUp ? { warmUp: warmUp.warmUp } : {}),
    });
    warmUp?.dispose();
  }
  bar?.stop();
  if (output && output !== process.stdout) {
    output.end();
    await finished(output);
  }

  const report = formatMetrics(result.metrics, result.seconds);
  process.stderr.write(`${report}\n`);
  if (result.badLines > 0) {
    process.stderr.write(
      `${result.badLines} bad line(s) skipped${result.badLines > 1000 ? ' (first 1000 shown)' : ''}\n`,
    );
  }
  if (opts.metrics) {
    await writeFile(
      opts.metrics,
      `${JSON.stringify({ ...result.metrics, seconds: result.seconds, badLines: result.badLines, threads }, null, 2)}\n`,
    );
  }
}

function fitAfterOf(opts: ReplayCliOptions): number | undefined {
  if (opts.fitAfter === undefined) return undefined;
  const n = Number(opts.fitAfter);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--fit-after must be a positive integer, got ${opts.fitAfter}`);
  if (opts.models) throw new Error('--fit-after fits models of its own: give it or --models, not both');
  if (opts.threads !== undefined && opts.threads !== '1')
    throw new Error(
      '--fit-after replays on one thread (the warm-up must see every event first): drop --threads',
    );
  return n;
}

/**
 * `replay --fit-after n`: the rules score the first n events while their features are sampled
 * (normal-looking logins only, as `loginguard train` samples a history); then the models are fitted
 * on that sample and score the rest with the rules. A fit that fails (too few normal-looking
 * logins) is reported and the rules go on alone.
 */
function fitAfterWarmUp(
  events: number,
  input: string,
  enricher: Enricher,
  config: ScoringConfig,
  beforeMessage: () => void,
) {
  const { pipeline, sample, observe } = samplingPipeline({ enricher, config });
  let models: AnomalyEnsemble | undefined;
  return {
    pipeline,
    warmUp: {
      events,
      observe,
      next: async () => {
        try {
          const fitted = await fitModels(sample, { input: `the first ${events} events of ${input}` });
          models = new AnomalyEnsemble(fitted.forest, fitted.forestCalibration, fitted.autoencoder, config);
          beforeMessage();
          process.stderr.write(
            `models fitted on the first ${events.toLocaleString('en-US')} events (${fitted.training.sampled.toLocaleString('en-US')} normal-looking logins; forest ${fitted.seconds.forest} s, autoencoder ${fitted.seconds.autoencoder} s): scoring the rest with them\n`,
          );
          return createPipeline({ enricher, config, models });
        } catch (err) {
          beforeMessage();
          process.stderr.write(
            `fitting the models after ${events.toLocaleString('en-US')} events failed: ${(err as Error).message}; the rules score the rest alone\n`,
          );
          return createPipeline({ enricher, config });
        }
      },
    },
    dispose: () => models?.autoencoder.dispose(),
  };
}

function threadCount(input: string, requested: string | undefined): number {
  if (requested !== undefined) {
    const n = Number(requested);
    if (!Number.isInteger(n) || n < 1 || n > 64)
      throw new Error(`--threads must be an integer from 1 to 64, got ${requested}`);
    if (n > 1 && input === '-') throw new Error('--threads above 1 needs a file: every thread reads it');
    return n;
  }
  return input === '-' ? 1 : Math.min(2, availableParallelism());
}

function progressBar(totalBytes: number): SingleBar {
  const bar = new SingleBar({
    format: 'replay [{bar}] {percentage}% | {value}/{total} MB | eta {eta}s',
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(Math.max(1, Math.round(totalBytes / 1e6)), 0);
  return bar;
}

/** The input as a stream, with a byte-count progress bar when reading a file on a terminal. */
function openInput(input: string, progress: boolean): { stream: NodeJS.ReadableStream; bar?: SingleBar } {
  if (input === '-') return { stream: process.stdin };
  const file = createReadStream(input);
  if (!progress) return { stream: file };
  const bar = progressBar(statSync(input).size);
  let read = 0;
  const counter = new PassThrough();
  file.on('data', (chunk: string | Buffer) => {
    read += chunk.length;
    bar.update(Math.round(read / 1e6));
  });
  file.pipe(counter);
  return { stream: counter, bar };
}
