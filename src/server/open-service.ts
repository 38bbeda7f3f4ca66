import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { type Logger, pino } from 'pino';
import { AlertEngine } from '../alert/alert-engine.js';
import type { LoadedConfig } from '../config/load-service-config.js';
import { ConfigError } from '../config/resolve-config.js';
import { loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import { createPipeline } from '../pipeline.js';
import { SqliteQueue } from '../queue/sqlite-queue.js';
import { ApiKeyRepository } from '../store/api-key-repository.js';
import { AuditRepository } from '../store/audit-repository.js';
import { type Database, openSqliteDatabase } from '../store/database.js';
import { EventRepository } from '../store/event-repository.js';
import { migrateToLatest } from '../store/migrations.js';
import { QueueWorker } from '../worker/queue-worker.js';
import { Scorer } from '../worker/scorer.js';
import type { AppDeps } from './app-deps.js';
import { AssessmentFeed } from './assessment-feed.js';
import { BacklogMonitor } from './backlog-monitor.js';
import { buildApp } from './build-app.js';
import { alertRoutes } from './routes/alert-routes.js';
import { ServiceMetrics } from './service-metrics.js';

const DAY_MS = 86_400_000;
const RETENTION_EVERY_MS = 3600_000;

/** A running loginguard: the HTTP app, the worker, and how to stop them. */
export interface Service {
  app: FastifyInstance;
  db: Kysely<Database>;
  queue: SqliteQueue;
  scorer: Scorer;
  worker: QueueWorker | undefined;
  feed: AssessmentFeed;
  /** Alerting (mail, webhooks, incidents), subscribed to `feed`. */
  alerts: AlertEngine;
  log: Logger;
  /** The admin key created on this start (first start only), to print once. */
  createdAdminKey: string | undefined;
  /** Stops taking traffic, drains the worker, commits, closes the database. */
  close(): Promise<void>;
}

/**
 * Builds the embedded deployment (DESIGN §1): SQLite file in the data directory (WAL), the queue
 * in the same file, the worker in this process. Does not listen: the caller does (`app.listen`).
 */
export async function openService(
  config: LoadedConfig,
  options: { log?: Logger; now?: () => number; databaseFile?: string } = {},
): Promise<Service> {
  const { service, scoring } = config;
  if (service.databaseUrl) {
    throw new ConfigError(
      'LOGINGUARD_DATABASE_URL',
      'PostgreSQL is not available in this version yet; unset it to use the embedded SQLite store',
    );
  }
  if (service.redisUrl) {
    throw new ConfigError(
      'LOGINGUARD_REDIS_URL',
      'the Redis queue is not available in this version yet; unset it to use the embedded queue',
    );
  }
  const log = options.log ?? pino({ level: service.logLevel, base: { service: 'loginguard' } });
  const now = options.now ?? Date.now;
  // Models first: a bad models directory stops start-up before anything is opened.
  const modelsDir =
    service.modelsDir ??
    (existsSync(join(service.dataDir, 'models', 'ensemble.json'))
      ? join(service.dataDir, 'models')
      : undefined);
  const models = modelsDir ? await loadAnomalyModels(modelsDir, scoring) : undefined;
  if (models) log.info({ modelsDir }, 'scoring with the anomaly models');
  let file = options.databaseFile;
  if (!file) {
    mkdirSync(service.dataDir, { recursive: true });
    file = join(service.dataDir, 'loginguard.db');
  }
  const db = openSqliteDatabase(file, { synchronous: service.sqliteSynchronous });
  await migrateToLatest(db);

  const keys = new ApiKeyRepository(db);
  let createdAdminKey: string | undefined;
  if ((await keys.count()) === 0) {
    const created = await keys.create({ name: 'admin', scopes: ['admin'] }, now(), service.adminKey);
    await new AuditRepository(db).append([
      {
        at: now(),
        actor: 'loginguard',
        action: 'api_key.create',
        target: created.id,
        detail: { name: 'admin', scopes: ['admin'], firstStart: true },
      },
    ]);
    if (!service.adminKey) createdAdminKey = created.key;
  }

  // A second connection for the scorer's reads: in WAL mode a reader never waits for the writer,
  // so a synchronous assessment does not queue behind another request's commit to read a baseline.
  const reader = openSqliteDatabase(file, { backgroundCheckpoint: false });
  const queue = new SqliteQueue(db, { maxAttempts: service.maxAttempts, reader });
  if (service.worker) {
    const recovered = await queue.recoverLeases();
    if (recovered > 0)
      log.warn({ events: recovered }, 'events leased by a previous run that did not finish are queued again');
  }
  const metrics = new ServiceMetrics();
  const feed = new AssessmentFeed((err) => log.error({ err }, 'an assessment listener failed'));
  const alerts = await AlertEngine.open({ service, db, log, now });
  feed.subscribe(alerts.onAssessments);
  const pipeline = createPipeline({
    enricher: createEnricher(),
    config: scoring,
    ...(models ? { models } : {}),
  });
  const scorer = new Scorer({
    db,
    readDb: reader,
    queue,
    pipeline,
    scoring,
    leaseMs: service.leaseMs,
    now,
    onCommitted: (assessments) => {
      metrics.recordAssessments(assessments);
      feed.publish(assessments);
    },
  });
  const backlog = new BacklogMonitor(queue, metrics, 250, now);
  await backlog.start();

  const worker = service.worker
    ? new QueueWorker({
        queue,
        scorer,
        log,
        batchSize: service.workerBatch,
        leaseMs: service.leaseMs,
        now,
        onBatch: (seconds) => metrics.batchLatency.observe(seconds),
      })
    : undefined;
  let ready = false;
  const deps: AppDeps = {
    config,
    db,
    queue,
    scorer,
    pipeline,
    metrics,
    backlog,
    feed,
    log,
    now,
    isReady: () => ready,
    ...(models && modelsDir ? { modelsDir } : {}),
    ...(worker ? { onEnqueued: () => worker.wake() } : {}),
  };
  const app = await buildApp(deps);
  // Registered here rather than in buildApp: the routes need the engine, which outlives the app
  // on close (the worker's last batch is still alerted on).
  await app.register(async (scope) => alertRoutes(scope, deps, alerts));

  const retention =
    service.retentionDays > 0
      ? setInterval(() => {
          new EventRepository(db)
            .deleteOlderThan(now() - service.retentionDays * DAY_MS)
            .then((n) => n > 0 && log.info({ deleted: n }, 'retention: old raw events deleted'))
            .catch((err: unknown) => log.error({ err }, 'retention pass failed'));
        }, RETENTION_EVERY_MS).unref()
      : undefined;

  worker?.start();
  ready = true;

  let closing: Promise<void> | undefined;
  return {
    app,
    db,
    queue,
    scorer,
    worker,
    feed,
    alerts,
    log,
    createdAdminKey,
    close() {
      closing ??= (async () => {
        ready = false;
        if (retention) clearInterval(retention);
        await app.close();
        await worker?.stop();
        await scorer.flushed();
        await alerts.close();
        backlog.stop();
        await reader.destroy();
        await db.destroy();
        models?.autoencoder.dispose();
      })();
      return closing;
    },
  };
}
