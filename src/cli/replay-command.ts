import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { resolveScoringConfig } from '../config/resolve-config.js';
import { createEnricher } from '../enrich/create-enricher.js';
import { createPipeline } from '../pipeline.js';
import { MemoryScoringState } from '../profile/scoring-state.js';
import { replayEvents } from '../replay/replay-events.js';
import { formatMetrics } from '../train/detection-metrics.js';

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
    .option('--metrics <file>', 'also write the summary figures as JSON')
    .option('--allow-future', 'accept events timestamped more than a day after now (refused by default)')
    .option('--no-progress', 'no progress bar')
    .action(async (input: string, opts: ReplayCliOptions) => {
      await runReplay(input, opts);
    });
}

interface ReplayCliOptions {
  out?: string;
  format: 'auto' | 'jsonl' | 'csv';
  config?: string;
  metrics?: string;
  progress: boolean;
  allowFuture?: boolean;
}

const DAY_MS = 86_400_000;

async function runReplay(input: string, opts: ReplayCliOptions): Promise<void> {
  const config = resolveScoringConfig(opts.config ? JSON.parse(await readFile(opts.config, 'utf8')) : {});
  const pipeline = createPipeline({ enricher: createEnricher(), config });
  const state = new MemoryScoringState(config);

  let output: Writable | undefined;
  if (opts.out === '-') output = process.stdout;
  else if (opts.out) output = createWriteStream(opts.out);

  const { stream, bar } = openInput(input, opts.progress && process.stderr.isTTY === true);
  let shownErrors = 0;
  const result = await replayEvents({
    pipeline,
    state,
    input: stream,
    format: opts.format,
    // Validation, not scoring, looks at the clock: a login from years ahead is a broken record.
    validate: opts.allowFuture ? {} : { maxTimestampMs: Date.now() + DAY_MS },
    output,
    onBadLine: (line, errors) => {
      if (++shownErrors <= 1000) {
        bar?.stop();
        process.stderr.write(`line ${line}: ${errors.map((e) => e.message).join('; ')}\n`);
      }
    },
  });
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
      `${JSON.stringify({ ...result.metrics, seconds: result.seconds, badLines: result.badLines }, null, 2)}\n`,
    );
  }
}

/** The input as a stream, with a byte-count progress bar when reading a file on a terminal. */
function openInput(input: string, progress: boolean): { stream: NodeJS.ReadableStream; bar?: SingleBar } {
  if (input === '-') return { stream: process.stdin };
  const file = createReadStream(input);
  if (!progress) return { stream: file };
  const total = statSync(input).size;
  const bar = new SingleBar({
    format: 'replay [{bar}] {percentage}% | {value}/{total} MB | eta {eta}s',
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(Math.max(1, Math.round(total / 1e6)), 0);
  let read = 0;
  const counter = new PassThrough();
  file.on('data', (chunk: string | Buffer) => {
    read += chunk.length;
    bar.update(Math.round(read / 1e6));
  });
  file.pipe(counter);
  return { stream: counter, bar };
}
