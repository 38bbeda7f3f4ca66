import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/load-service-config.js';
import type { Queue } from '../queue/queue.js';
import type { Database } from '../store/database.js';
import type { Scoring } from '../worker/scoring.js';
import type { AssessmentFeed } from './assessment-feed.js';
import type { BacklogMonitor } from './backlog-monitor.js';
import type { ServiceMetrics } from './service-metrics.js';

/** What the HTTP app needs, built once at start (see `openService`) and passed in. */
export interface AppDeps {
  config: LoadedConfig;
  db: Kysely<Database>;
  queue: Queue;
  scoring: Scoring;
  metrics: ServiceMetrics;
  backlog: BacklogMonitor;
  /** Committed assessments as they are committed (alerts, the dashboard stream). */
  feed: AssessmentFeed;
  log: Logger;
  /**
   * The directory of the anomaly models scoring uses now (see `openService`); undefined = the rules
   * alone. It can appear while the service runs (models fitted after a warm-up: `ModelAutoFit`).
   */
  modelsDir?: () => string | undefined;
  /** Assessments waiting for alerting (in memory); ingest refuses more past its bound. */
  alertingBacklog?: () => number;
  /** Called after events were queued (wakes an idle worker). */
  onEnqueued?: () => void;
  /** False while starting or draining: /readyz answers 503. */
  isReady: () => boolean;
  now?: () => number;
}
