import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ScoringConfig } from '../config/scoring-config.js';
import { type AnomalyEnsemble, loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import type { Enricher } from '../enrich/enricher.js';
import { createPipeline } from '../pipeline.js';
import type { Queue } from '../queue/queue.js';
import type { Database } from '../store/database.js';
import { type AlertFilter, summarizeCommitted } from './committed-batch.js';
import { QueueWorker } from './queue-worker.js';
import { Scorer } from './scorer.js';
import type { Scoring, ScoringListeners } from './scoring.js';

export interface LocalScoringOptions extends ScoringListeners {
  db: Kysely<Database>;
  /** A second connection for scoring's reads (see `ScorerOptions.readDb`). */
  readDb?: Kysely<Database>;
  queue: Queue;
  enricher: Enricher;
  /** Anomaly models to score with (owned from here on: disposed on close or when replaced). */
  models?: AnomalyEnsemble;
  scoring: Readonly<ScoringConfig>;
  log: Logger;
  batchSize: number;
  leaseMs: number;
  /** See `ScorerOptions.profileFlushMs` and `maxCachedUsers`. */
  profileFlushMs?: number;
  maxCachedUsers?: number;
  /** Which assessments `onCommitted` hands on as alerting (the service's alert rules). */
  alerts: AlertFilter;
  /** Take from the queue continuously (the embedded worker); false: only on `drain()`. */
  runWorker: boolean;
  now?: () => number;
}

/** {@link Scoring} on the calling thread: a `Scorer` and the queue worker that feeds it. */
export class LocalScoring implements Scoring {
  readonly scorer: Scorer;
  private readonly worker: QueueWorker;
  private models: AnomalyEnsemble | undefined;

  constructor(private readonly options: LocalScoringOptions) {
    const { onCommitted, onBatch, onState, now } = options;
    this.models = options.models;
    this.scorer = new Scorer({
      db: options.db,
      ...(options.readDb ? { readDb: options.readDb } : {}),
      queue: options.queue,
      pipeline: this.pipelineWith(options.models),
      scoring: options.scoring,
      leaseMs: options.leaseMs,
      ...(options.profileFlushMs !== undefined ? { profileFlushMs: options.profileFlushMs } : {}),
      ...(options.maxCachedUsers !== undefined ? { maxCachedUsers: options.maxCachedUsers } : {}),
      ...(onCommitted
        ? { onCommitted: (assessments) => onCommitted(summarizeCommitted(assessments, options.alerts)) }
        : {}),
      ...(onState ? { onState } : {}),
      ...(now ? { now } : {}),
    });
    this.worker = new QueueWorker({
      queue: options.queue,
      scorer: this.scorer,
      log: options.log,
      batchSize: options.batchSize,
      leaseMs: options.leaseMs,
      ...(onBatch ? { onBatch } : {}),
      ...(now ? { now } : {}),
    });
    if (options.runWorker) this.worker.start();
  }

  assessNow: Scoring['assessNow'] = (event) => this.scorer.assessNow(event);
  updateUser: Scoring['updateUser'] = (userId, changes, audit) =>
    this.scorer.updateUser(userId, changes, audit);
  peek: Scoring['peek'] = (userId) => this.scorer.peek(userId);
  drain: Scoring['drain'] = () => this.worker.drain();
  wake: Scoring['wake'] = () => this.worker.wake();

  async useModels(dir: string): Promise<void> {
    const models = await loadAnomalyModels(dir, this.options.scoring);
    this.scorer.usePipeline(this.pipelineWith(models));
    // Scoring is synchronous per event: nothing holds the old pipeline past this point.
    this.models?.autoencoder.dispose();
    this.models = models;
  }

  async close(): Promise<void> {
    await this.worker.stop();
    await this.scorer.close();
    this.models?.autoencoder.dispose();
    this.models = undefined;
  }

  private pipelineWith(models: AnomalyEnsemble | undefined) {
    const { enricher, scoring } = this.options;
    return createPipeline({ enricher, config: scoring, ...(models ? { models } : {}) });
  }
}
