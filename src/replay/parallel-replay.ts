import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { EventFieldError } from '../event/event-error.js';
import type { ValidateOptions } from '../event/validate-event.js';
import { type DetectionMetrics, mergeMetrics } from '../train/detection-metrics.js';
import type { ReplayResult } from './replay-events.js';
import type { ReplayWorkerBatch, ReplayWorkerData } from './replay-worker.js';

export interface ParallelReplayOptions {
  /** A file path (each thread reads it). */
  input: string;
  format?: 'jsonl' | 'csv' | 'auto';
  validate?: ValidateOptions;
  /** Scoring config input (resolved in each thread). */
  config?: unknown;
  /** Directory of trained anomaly models (loaded in each thread). */
  models?: string | undefined;
  threads: number;
  output?: Writable;
  onBadLine?: (line: number, errors: EventFieldError[]) => void;
  /** Called with the fraction of the file read (0..1 of `bytes`) now and then. */
  onProgress?: (bytesRead: number) => void;
}

interface Done {
  type: 'done';
  metrics: DetectionMetrics;
  badLines: number;
}

/**
 * Replay on several threads with exactly the results of `replayEvents`: users are split across
 * threads by a hash of their id (all of a user's state lives in one thread), and every thread
 * reads the whole file so that it also counts the other threads' events in the windows that span
 * users (per IP, client, tenant). Assessments are merged back into file order here.
 *
 * Why: scoring is memory-bound and JSON parsing is not shareable across threads for less than it
 * costs; duplicating the parse and the cross-user counting is cheaper than any hand-off.
 */
export async function replayInParallel(options: ParallelReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const { threads, output } = options;
  const queues: ReplayWorkerBatch[][] = Array.from({ length: threads }, () => []);
  const errors: ReplayWorkerBatch['errors'] = [];
  const done: Done[] = [];
  let next = 0;
  let wake: (() => void) | undefined;
  let failure: Error | undefined;

  const workers = Array.from({ length: threads }, (_, shard) => {
    const data: ReplayWorkerData = {
      input: options.input,
      format: options.format ?? 'auto',
      validate: options.validate ?? {},
      config: options.config ?? {},
      models: options.models,
      shard,
      shards: threads,
      output: output !== undefined,
    };
    const worker = new Worker(new URL('./replay-worker.js', import.meta.url), { workerData: data });
    worker.on('message', (message: ReplayWorkerBatch | Done) => {
      if (message.type === 'done') done.push(message);
      else {
        queues[shard]?.push(message);
        if (shard === 0) {
          errors.push(...message.errors);
          options.onProgress?.(message.bytes);
        }
      }
      wake?.();
    });
    worker.on('error', (error) => {
      failure = error;
      wake?.();
    });
    return worker;
  });

  // Merge: every sequence number is either a bad line (thread 0 reports it) or one thread's
  // assessment; take them in order, waiting for the thread that holds the next one.
  const heads = new Array<number>(threads).fill(0);
  let errorHead = 0;
  let pending: string[] = [];
  for (;;) {
    if (failure) throw failure;
    let progressed = false;
    for (;;) {
      const error = errors[errorHead];
      if (error && error.seq === next) {
        options.onBadLine?.(error.line, error.errors);
        errorHead++;
        next++;
        progressed = true;
        continue;
      }
      let found = false;
      for (let shard = 0; shard < threads; shard++) {
        const queue = queues[shard] ?? [];
        const batch = queue[0];
        if (!batch) continue;
        const i = heads[shard] ?? 0;
        if (batch.seqs[i] !== next) continue;
        if (output) pending.push(batch.text.slice(i === 0 ? 0 : (batch.ends[i - 1] ?? 0), batch.ends[i]));
        heads[shard] = i + 1;
        if (i + 1 >= batch.seqs.length) {
          queue.shift();
          heads[shard] = 0;
        }
        next++;
        found = true;
        break;
      }
      if (!found) {
        // Batches with nothing of this thread's left can be dropped.
        for (let shard = 0; shard < threads; shard++) {
          const queue = queues[shard] ?? [];
          while (queue[0] && (heads[shard] ?? 0) >= queue[0].seqs.length) {
            queue.shift();
            heads[shard] = 0;
            found = true;
          }
        }
        if (!found) break;
      }
      progressed = true;
    }
    if (output && pending.length >= 2000) {
      const chunk = pending.join('');
      pending = [];
      if (!output.write(chunk)) await once(output, 'drain');
    }
    if (done.length === threads && !progressed) break;
    if (!progressed) await new Promise<void>((resolve) => (wake = resolve));
  }
  if (output && pending.length > 0) output.write(pending.join(''));
  await Promise.all(workers.map((w) => w.terminate()));

  let metrics = done[0]?.metrics ?? { events: 0, actions: {}, reasons: {} };
  for (const d of done.slice(1)) metrics = mergeMetrics(metrics, d.metrics);
  const badLines = done.reduce((n, d) => n + d.badLines, 0);
  return { metrics, badLines, seconds: (performance.now() - started) / 1000 };
}
