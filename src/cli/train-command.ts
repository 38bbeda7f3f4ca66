import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { resolveScoringConfig } from '../config/resolve-config.js';
import { saveAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import { trainModels } from '../train/train-models.js';

/** `loginguard train`: fits the anomaly models on a login history and writes them to a directory. */
export function trainCommand(): Command {
  return new Command('train')
    .description('Fit the anomaly models (Isolation Forest + autoencoder) on a history of logins.')
    .requiredOption('--input <file>', 'JSONL or CSV login events (gzip too), in time order')
    .requiredOption('--out <dir>', 'where the models go (ensemble.json, isolation-forest.json, autoencoder/)')
    .option('--seed <n>', 'seed: same data and seed, same model bytes', '1')
    .option('--max-rows <n>', 'normal-looking logins sampled for training', '200000')
    .option('--epochs <n>', 'autoencoder epochs', '20')
    .option('--config <file>', 'scoring config (JSON): the rules that pick the normal-looking logins')
    .option('--no-progress', 'no progress bar')
    .action(
      async (opts: {
        input: string;
        out: string;
        seed: string;
        maxRows: string;
        epochs: string;
        config?: string;
        progress: boolean;
      }) => {
        const config = resolveScoringConfig(
          opts.config ? JSON.parse(await readFile(opts.config, 'utf8')) : {},
        );
        const tty = opts.progress && process.stderr.isTTY === true;
        let bar: SingleBar | undefined;
        let phase = '';
        const models = await trainModels({
          input: opts.input,
          enricher: createEnricher(),
          config,
          seed: int('--seed', opts.seed),
          maxRows: int('--max-rows', opts.maxRows),
          epochs: int('--epochs', opts.epochs),
          onProgress: (p, done, total) => {
            if (p !== phase) {
              bar?.stop();
              phase = p;
              if (p === 'autoencoder' && tty) {
                bar = new SingleBar({
                  format: 'autoencoder [{bar}] epoch {value}/{total}',
                  hideCursor: true,
                });
                bar.start(total, 0);
              } else if (!tty) process.stderr.write(`${p}…\n`);
            }
            if (p === 'features' && tty && done % 100_000 < 2000)
              process.stderr.write(`\rfeatures: ${done.toLocaleString('en-US')} events`);
            bar?.update(done);
          },
        });
        bar?.stop();
        await saveAnomalyModels(opts.out, models);
        models.autoencoder.dispose();
        const t = models.training;
        process.stdout.write(
          `\ntrained on ${t.sampled.toLocaleString('en-US')} of ${t.normalLooking.toLocaleString('en-US')} normal-looking logins (${t.events.toLocaleString('en-US')} events); ` +
            `features ${models.seconds.features} s, forest ${models.seconds.forest} s, autoencoder ${models.seconds.autoencoder} s\nmodels written to ${opts.out}\n`,
        );
      },
    );
}

function int(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`loginguard train: ${flag} must be a non-negative integer, got ${value}\n`);
    process.exit(2);
  }
  return n;
}
