import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueDepth } from '../queue/queue.js';
import type { CommittedBatch } from '../worker/committed-batch.js';
import type { ScorerState } from '../worker/scorer.js';

/**
 * The service's Prometheus metrics (`GET /metrics`), on a registry of its own so two services in
 * one process (tests) do not collide.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly ingested = new Counter({
    name: 'loginguard_events_ingested_total',
    help: 'Events accepted by the API (queued or assessed synchronously)',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'loginguard_events_rejected_total',
    help: 'Events refused by validation',
    registers: [this.registry],
  });
  readonly actions = new Counter({
    name: 'loginguard_assessments_total',
    help: 'Assessments committed, by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly reasons = new Counter({
    name: 'loginguard_reasons_total',
    help: 'Reasons given in committed assessments, by reason code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly assessLatency = new Histogram({
    name: 'loginguard_assess_duration_seconds',
    help: 'POST /v1/assess: from request to committed assessment',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly batchLatency = new Histogram({
    name: 'loginguard_worker_batch_duration_seconds',
    help: 'Worker: scoring and committing one batch',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  private readonly queueReady = this.gauge(
    'loginguard_queue_depth',
    'Events waiting in the queue (ready and leased)',
  );
  private readonly queueFailed = this.gauge('loginguard_queue_failed', 'Poison events in the failed list');
  private readonly queueAge = this.gauge(
    'loginguard_queue_oldest_age_seconds',
    'Age of the oldest event still queued (0 when empty)',
  );
  private readonly cachedUsers = this.gauge(
    'loginguard_cached_users',
    'Users whose baseline and lock the scorer holds in memory',
  );
  private readonly unwrittenBaselines = this.gauge(
    'loginguard_baselines_unwritten',
    'Baselines changed in memory and not yet written (write-behind backlog)',
  );
  private readonly scorerHeap = this.gauge(
    'loginguard_scorer_heap_used_bytes',
    "V8 heap in use by the scorer (the scoring thread's own when it runs on one)",
  );
  private readonly scorerHeapTotal = this.gauge(
    'loginguard_scorer_heap_total_bytes',
    "V8 heap committed by the scorer, in use or not (compare with loginguard_nodejs_heap_size_total_bytes, the main thread's)",
  );
  private readonly scorerHeapLive = this.gauge(
    'loginguard_scorer_heap_live_bytes',
    "The scorer's V8 heap in use just after its latest full garbage collection: its live state, without the garbage counted between collections (0 before the first)",
  );

  /** Reports `backlog()` as `loginguard_alerting_backlog` at each scrape. */
  watchAlerting(backlog: () => number): void {
    this.gauge(
      'loginguard_alerting_backlog',
      'Committed assessments that may alert, waiting for alerting (held in memory)',
      backlog,
    );
  }

  /** Reports 1 as `loginguard_models_in_use` while the anomaly models score (fitted after a warm-up: from then on). */
  watchModels(inUse: () => boolean): void {
    this.gauge(
      'loginguard_models_in_use',
      '1 when the anomaly models score with the rules, 0 for the rules alone',
      () => (inUse() ? 1 : 0),
    );
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'loginguard_' });
  }

  /**
   * A gauge on this registry: the service sets it from what it polls or hears, or, given `read`,
   * it reads its value at each scrape.
   */
  private gauge(name: string, help: string, read?: () => number): Gauge {
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      ...(read
        ? {
            collect() {
              this.set(read());
            },
          }
        : {}),
    });
  }

  recordCommitted(batch: CommittedBatch): void {
    for (const [action, n] of Object.entries(batch.actions)) if (n > 0) this.actions.inc({ action }, n);
    for (const [code, n] of Object.entries(batch.reasons)) this.reasons.inc({ code }, n);
  }

  recordScorer(state: ScorerState): void {
    this.cachedUsers.set(state.cachedUsers);
    this.unwrittenBaselines.set(state.unwrittenBaselines);
    this.scorerHeap.set(state.heapUsedBytes);
    this.scorerHeapTotal.set(state.heapTotalBytes);
    this.scorerHeapLive.set(state.heapLiveBytes);
  }

  recordQueue(depth: QueueDepth, nowMs: number): void {
    this.queueReady.set(depth.ready + depth.leased);
    this.queueFailed.set(depth.failed);
    this.queueAge.set(
      depth.oldestEnqueuedAt === undefined ? 0 : Math.max(0, nowMs - depth.oldestEnqueuedAt) / 1000,
    );
  }
}
