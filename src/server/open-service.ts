import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { type Logger, pino } from 'pino';
import { AlertEngine } from '../alert/alert-engine.js';
import type { LoadedConfig } from '../config/load-service-config.js';
import { ConfigError } from '../config/resolve-config.js';
import { scoringHeapLimitMb } from '../config/service-config.js';
import { loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import { SqliteQueue } from '../queue/sqlite-queue.js';
import { ApiKeyRepository } from '../store/api-key-repository.js';
import { AuditRepository } from '../store/audit-repository.js';
import { type Database, openSqliteDatabase } from '../store/database.js';
import { EventRepository } from '../store/event-repository.js';
import { migrateToLatest } from '../store/migrations.js';
import { LocalScoring } from '../worker/local-scoring.js';
import type { Scoring, ScoringListeners } from '../worker/scoring.js';
import { ThreadedScoring } from '../worker/threaded-scoring.js';
import type { AppDeps } from './app-deps.js';
import { AssessmentFeed } from './assessment-feed.js';
import { BacklogMonitor } from './backlog-monitor.js';
import { buildApp } from './build-app.js';
import { ModelAutoFit } from './model-auto-fit.js';
import { alertRoutes } from './routes/alert-routes.js';
import { ServiceMetrics } from './service-metrics.js';

const DAY_MS = 86_400_000;
const RETENTION_EVERY_MS = 3600_000;

/** A running loginguard: the HTTP app, the worker, and how to stop them. */
export interface Service {
  app: FastifyInstance;
  db: Kysely<Database>;
  queue: SqliteQueue;
  /** Scoring: the queue worker (when `service.worker`), the synchronous path, admin changes. */
  scoring: Scoring;
  feed: AssessmentFeed;
  /** Alerting (mail, webhooks, incidents), subscribed to `feed`. */
  alerts: AlertEngine;
  log: Logger;
  /** The admin key created on this start (first start only), to print once. */
  createdAdminKey: string | undefined;
  /** Fits models after a warm-up when none were given (undefined: models given, or auto-fit off). */
  autoFit: ModelAutoFit | undefined;
  /** Stops taking traffic, drains the worker, commits, closes the database. */
  close(): Promise<void>;
}

/**
 * Builds the embedded deployment (DESIGN §1): SQLite file in the data directory (WAL), the queue
 * in the same file, the worker in this process (on its own thread unless `service.scoringThread`
 * is false). Does not listen: the caller does (`app.listen`).
 */
export async function openService(
  config: LoadedConfig,
  options: {
    log?: Logger;
    now?: () => number;
    databaseFile?: string;
    /** Autoencoder epochs of a fit after the warm-up (tests: fewer, faster). */
    autoFitEpochs?: number;
  } = {},
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
  // On the scoring thread, the thread loads them (and a bad directory fails its start).
  const models =
    modelsDir && !service.scoringThread ? await loadAnomalyModels(modelsDir, scoring) : undefined;
  let file = options.databaseFile;
  if (!file) {
    mkdirSync(service.dataDir, { recursive: true });
    file = join(service.dataDir, 'loginguard.db');
  }
  const db = openSqliteDatabase(file, {
    synchronous: service.sqliteSynchronous,
    busyTimeoutMs: service.sqliteBusyTimeoutMs,
  });
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

  // Scoring on the main thread reads through a second connection: in WAL mode a reader never
  // waits for the writer, so a synchronous assessment does not queue behind a commit. (The
  // scoring thread opens its own.)
  const reader = service.scoringThread
    ? undefined
    : openSqliteDatabase(file, { backgroundCheckpoint: false });
  // The worker is the queue's only consumer: here when scoring runs on this thread, else on the
  // scoring thread (this object then only enqueues, reads depths and recovers leases).
  const queue = new SqliteQueue(db, {
    maxAttempts: service.maxAttempts,
    singleConsumer: true,
    ...(reader ? { reader } : {}),
  });
  if (service.worker) {
    const recovered = await queue.recoverLeases();
    if (recovered > 0)
      log.warn({ events: recovered }, 'events leased by a previous run that did not finish are queued again');
  }
  const metrics = new ServiceMetrics();
  const feed = new AssessmentFeed((err) => log.error({ err }, 'an assessment listener failed'));
  const alerts = await AlertEngine.open({ service, db, log, now });
  feed.subscribe((batch) => alerts.onAssessments(batch.alerting));
  metrics.watchAlerting(() => alerts.backlog);
  // Set once scoring is open (below); counts what the worker commits until the warm-up is reached.
  let autoFit: ModelAutoFit | undefined;
  const listeners: ScoringListeners = {
    onCommitted: (batch) => {
      metrics.recordCommitted(batch);
      feed.publish(batch);
      autoFit?.onScored(batch.count);
    },
    onBatch: (seconds) => metrics.batchLatency.observe(seconds),
    onState: (state) => metrics.recordScorer(state),
  };
  let scoringPart: Scoring;
  try {
    if (service.scoringThread) {
      scoringPart = await ThreadedScoring.open(
        {
          file,
          synchronous: service.sqliteSynchronous,
          busyTimeoutMs: service.sqliteBusyTimeoutMs,
          scoring,
          modelsDir,
          logLevel: service.logLevel,
          batchSize: service.workerBatch,
          leaseMs: service.leaseMs,
          maxAttempts: service.maxAttempts,
          runWorker: service.worker,
          profileFlushMs: service.profileFlushMs,
          maxCachedUsers: service.profileCacheUsers,
          heapLimitMb: scoringHeapLimitMb(service),
          alerts: service.alerts,
        },
        listeners,
        log,
        {
          beforeRestart: async () => {
            if (!service.worker) return;
            const recovered = await queue.recoverLeases();
            if (recovered > 0)
              log.warn(
                { events: recovered },
                'events leased by the scoring thread that died are queued again',
              );
          },
        },
      );
    } else {
      scoringPart = new LocalScoring({
        db,
        readDb: reader,
        queue,
        enricher: createEnricher(),
        ...(models ? { models } : {}),
        scoring,
        log,
        batchSize: service.workerBatch,
        leaseMs: service.leaseMs,
        runWorker: service.worker,
        profileFlushMs: service.profileFlushMs,
        maxCachedUsers: service.profileCacheUsers,
        alerts: service.alerts,
        ...listeners,
        now,
      });
    }
  } catch (err) {
    await alerts.close();
    await reader?.destroy();
    await db.destroy();
    throw err;
  }
  const scoringService = scoringPart;
  if (modelsDir) log.info({ modelsDir }, 'scoring with the anomaly models');
  // The fit thread reads the stored events through its own connection: a file, not ':memory:'.
  if (!modelsDir && service.modelsAutoFitAfter > 0 && file !== ':memory:') {
    autoFit = await ModelAutoFit.open({
      after: service.modelsAutoFitAfter,
      file,
      outDir: join(service.dataDir, 'models'),
      scoringConfig: scoring,
      scoring: scoringService,
      db,
      log,
      now,
      ...(options.autoFitEpochs ? { epochs: options.autoFitEpochs } : {}),
    });
  }
  const modelsInUse = () => modelsDir ?? autoFit?.modelsDir;
  metrics.watchModels(() => modelsInUse() !== undefined);
  const backlog = new BacklogMonitor(queue, metrics, 250, now);
  await backlog.start();

  let ready = false;
  const deps: AppDeps = {
    config,
    db,
    queue,
    scoring: scoringService,
    metrics,
    backlog,
    feed,
    log,
    now,
    // A scoring thread that died takes the service out of rotation until its replacement is ready.
    alertingBacklog: () => alerts.backlog,
    isReady: () => ready && (!(scoringService instanceof ThreadedScoring) || scoringService.alive),
    modelsDir: modelsInUse,
    ...(service.worker ? { onEnqueued: () => scoringService.wake() } : {}),
  };
  const app = await buildApp(deps);
  // Registered here rather than in buildApp: the routes need the engine, which outlives the app
  // on close (the worker's last batch is still alerted on).
  await app.register(async (scope) => alertRoutes(scope, deps, alerts));

  const retention =
    service.retentionDays > 0
      ? setInterval(() => {
          const before = now() - service.retentionDays * DAY_MS;
          new EventRepository(db)
            .deleteOlderThan(before)
            .then((n) => n > 0 && log.info({ deleted: n }, 'retention: old raw events deleted'))
            // The failed list keeps each failed event whole: the same personal data.
            .then(() => queue.deleteFailedOlderThan(before))
            .then((n) => n > 0 && log.info({ deleted: n }, 'retention: old failed events deleted'))
            .catch((err: unknown) => log.error({ err }, 'retention pass failed'));
        }, RETENTION_EVERY_MS).unref()
      : undefined;

  ready = true;

  let closing: Promise<void> | undefined;
  return {
    app,
    db,
    queue,
    scoring: scoringService,
    feed,
    alerts,
    log,
    createdAdminKey,
    autoFit,
    close() {
      closing ??= (async () => {
        ready = false;
        if (retention) clearInterval(retention);
        await app.close();
        await autoFit?.close();
        await scoringService.close();
        await alerts.close();
        backlog.stop();
        await reader?.destroy();
        await db.destroy();
      })();
      return closing;
    },
  };
}
