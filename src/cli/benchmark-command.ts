import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { resolveScoringConfig } from '../config/resolve-config.js';
import { createEnricher } from '../enrich/create-enricher.js';

/**
 * `loginguard benchmark`: supervised classifiers trained on a labelled file, compared on other
 * labelled files with the rules and, with `--models`, the anomaly ensemble.
 */
export function benchmarkCommand(): Command {
  return new Command('benchmark')
    .description(
      'Train supervised classifiers (logistic regression, random forest, SVM, neural network) on labelled ' +
        'logins and compare them with the rules and the anomaly models on other labelled files: ' +
        'ROC-AUC, PR-AUC and recall at 1% FPR, on all events and on successful logins.',
    )
    .requiredOption('--train <file>', 'labelled events (JSONL or CSV, in time order) to train on')
    .option(
      '--test <file>',
      'labelled events to evaluate on, from another seed or generator (repeat for several files)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--json <file>', 'also write the results as JSON (for the evaluation report)')
    .option('--max-train <n>', 'at most this many training rows per model (each also has its own cap)')
    .option('--models <dir>', 'anomaly models (`loginguard train`) to evaluate as well')
    .option('--seed <n>', 'seed for the samples and the models', '1')
    .option('--config <file>', 'scoring config (JSON) for the pipeline that computes the features')
    .option('--no-progress', 'print no progress on stderr')
    .action(async (opts: BenchmarkCliOptions) => {
      await runBenchmark(opts);
    });
}

interface BenchmarkCliOptions {
  train: string;
  test: string[];
  json?: string;
  maxTrain?: string;
  models?: string;
  seed: string;
  config?: string;
  progress: boolean;
}

async function runBenchmark(opts: BenchmarkCliOptions): Promise<void> {
  if (opts.test.length === 0)
    throw new Error('give at least one --test file (labelled, not the training file)');
  const seed = integer('--seed', opts.seed, Number.MIN_SAFE_INTEGER);
  const maxTrain = opts.maxTrain === undefined ? undefined : integer('--max-train', opts.maxTrain, 10);
  const config = resolveScoringConfig(opts.config ? JSON.parse(await readFile(opts.config, 'utf8')) : {});
  // Loaded here, not at the top: the model libraries cost every other command nothing this way.
  const { benchmarkSupervised } = await import('../train/benchmark-supervised.js');
  const { formatSupervisedBenchmark } = await import('../train/supervised/format-supervised-benchmark.js');
  const started = performance.now();
  const result = await benchmarkSupervised({
    train: opts.train,
    tests: opts.test,
    enricher: createEnricher(),
    config,
    seed,
    ...(maxTrain === undefined ? {} : { maxTrain }),
    ...(opts.models ? { modelsDir: opts.models } : {}),
    onProgress: opts.progress
      ? (message) =>
          process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${message}\n`)
      : undefined,
  });
  process.stdout.write(formatSupervisedBenchmark(result));
  if (opts.json) {
    await writeFile(opts.json, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\nresults written to ${opts.json}\n`);
  }
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new Error(`${flag} must be an integer ≥ ${min}, got ${value}`);
  return n;
}
