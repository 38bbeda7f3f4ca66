import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { resolveScoringConfig } from '../config/resolve-config.js';
import { loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import type { EventFieldError } from '../event/event-error.js';
import { readEventBatches } from '../event/read-events.js';
import type { ValidateOptions } from '../event/validate-event.js';
import { createPipeline } from '../pipeline.js';
import { MemoryScoringState } from '../profile/scoring-state.js';
import { DetectionTally } from '../train/detection-metrics.js';
import { shardOf } from './shard-of.js';

/** What the main thread gives each replay thread. */
export interface ReplayWorkerData {
  input: string;
  format: 'jsonl' | 'csv' | 'auto';
  validate: ValidateOptions;
  config: unknown;
  /** Directory of trained anomaly models to score with, if any. */
  models?: string | undefined;
  shard: number;
  shards: number;
  /** Send the assessments' JSON back (false when nobody writes them). */
  output: boolean;
}

/** One batch of results, in file order: every line number appears in exactly one thread's messages. */
export interface ReplayWorkerBatch {
  type: 'batch';
  /** Sequence numbers (0-based, over all lines read) of this thread's assessments in the batch. */
  seqs: number[];
  /** Their JSON, joined (one string crosses threads far cheaper than thousands), and where each ends. */
  text: string;
  ends: number[];
  /** Bad lines (reported by thread 0 only). */
  errors: { seq: number; line: number; errors: EventFieldError[] }[];
  /** Bytes of the file read so far (thread 0 only). */
  bytes: number;
}

/**
 * One thread of a parallel replay (see parallel-replay.ts): reads the whole file, scores the users
 * whose shard is its own, and counts everyone else's events in the cross-user windows only.
 */
async function run(data: ReplayWorkerData): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('replay-worker must run in a worker thread');
  const config = resolveScoringConfig(data.config);
  const models = data.models ? await loadAnomalyModels(data.models, config) : undefined;
  const pipeline = createPipeline({ enricher: createEnricher(), config, ...(models ? { models } : {}) });
  const state = new MemoryScoringState(config);
  const tally = new DetectionTally();
  const file = createReadStream(data.input);
  let bytes = 0;
  if (data.shard === 0) file.on('data', (chunk: string | Buffer) => (bytes += chunk.length));
  let seq = 0;
  let badLines = 0;
  for await (const batch of readEventBatches(file, { format: data.format, validate: data.validate })) {
    const message: ReplayWorkerBatch = {
      type: 'batch',
      seqs: [],
      text: '',
      ends: [],
      errors: [],
      bytes,
    };
    const lines: string[] = [];
    let length = 0;
    for (const result of batch) {
      const s = seq++;
      if (result.errors) {
        badLines++;
        if (data.shard === 0) message.errors.push({ seq: s, line: result.line, errors: result.errors });
        continue;
      }
      if (shardOf(result.event.userId, data.shards) !== data.shard) {
        pipeline.witness(result.event, state);
        continue;
      }
      const assessment = pipeline.assess(result.event, state);
      tally.add(assessment, result.event.success, result.event.attributes.label);
      message.seqs.push(s);
      if (data.output) {
        const json = JSON.stringify(assessment);
        lines.push(json);
        length += json.length + 1;
        message.ends.push(length);
      }
    }
    if (data.output) message.text = `${lines.join('\n')}\n`;
    port.postMessage(message);
  }
  port.postMessage({ type: 'done', metrics: tally.result(), badLines: data.shard === 0 ? badLines : 0 });
}

await run(workerData as ReplayWorkerData);
