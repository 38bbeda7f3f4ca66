import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Assessment } from '../event/assessment.js';
import type { EventFieldError } from '../event/event-error.js';
import { readEventBatches } from '../event/read-events.js';
import type { ValidateOptions } from '../event/validate-event.js';
import type { Pipeline } from '../pipeline.js';
import type { ScoringState } from '../profile/scoring-state.js';
import { type DetectionMetrics, DetectionTally } from '../train/detection-metrics.js';

export interface ReplayOptions {
  pipeline: Pipeline;
  state: ScoringState;
  /** A path, `-` for stdin, or a stream of JSONL / CSV (gzip or not). */
  input: string | NodeJS.ReadableStream;
  format?: 'jsonl' | 'csv' | 'auto';
  /** Passed to validation (e.g. the latest timestamp accepted). */
  validate?: ValidateOptions;
  /** Where assessments go, one JSON line per event, in input order. */
  output?: Writable;
  /** Called for each line that is not a valid event; the replay goes on. */
  onBadLine?: (line: number, errors: EventFieldError[]) => void;
  /** Called every `progressEvery` lines read. */
  onProgress?: (linesRead: number) => void;
  progressEvery?: number;
  /**
   * A warm-up: the first `events` good events are scored by `pipeline` and handed to `observe`;
   * then `next()` gives the pipeline for the rest (anomaly models fitted on the warm-up:
   * `replay --fit-after`). The state is kept across the switch.
   */
  warmUp?: {
    events: number;
    observe: (assessment: Assessment) => void;
    next: () => Promise<Pipeline>;
  };
}

export interface ReplayResult {
  metrics: DetectionMetrics;
  badLines: number;
  seconds: number;
}

/** Lines buffered before one write to the output: one syscall per few hundred KB. */
const FLUSH_LINES = 2000;

/**
 * Streams events through the pipeline in file order, learning baselines as it goes, and writes
 * one assessment per good event. Bad lines are reported and skipped; every good one is scored.
 */
export async function replayEvents(options: ReplayOptions): Promise<ReplayResult> {
  const { state, output, warmUp } = options;
  let pipeline = options.pipeline;
  let scored = 0;
  const tally = new DetectionTally();
  const progressEvery = options.progressEvery ?? 10_000;
  const started = performance.now();
  let badLines = 0;
  let lines = 0;
  let buffer: string[] = [];

  const flush = async () => {
    if (!output || buffer.length === 0) return;
    const chunk = `${buffer.join('\n')}\n`;
    buffer = [];
    if (!output.write(chunk)) await once(output, 'drain');
  };

  for await (const batch of readEventBatches(options.input, {
    format: options.format ?? 'auto',
    validate: options.validate,
  })) {
    for (const result of batch) {
      lines++;
      if (options.onProgress && lines % progressEvery === 0) options.onProgress(lines);
      if (result.errors) {
        badLines++;
        options.onBadLine?.(result.line, result.errors);
        continue;
      }
      const assessment = pipeline.assess(result.event, state);
      if (warmUp && scored < warmUp.events) {
        warmUp.observe(assessment);
        // Events already read in this batch wait for the switch: none is scored out of order.
        if (scored + 1 === warmUp.events) pipeline = await warmUp.next();
      }
      scored++;
      tally.add(assessment, result.event.success, result.event.attributes.label);
      if (output) buffer.push(JSON.stringify(assessment));
    }
    if (buffer.length >= FLUSH_LINES) await flush();
  }
  await flush();
  return { metrics: tally.result(), badLines, seconds: (performance.now() - started) / 1000 };
}
