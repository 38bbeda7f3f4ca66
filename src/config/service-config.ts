import { type Static, Type } from '@sinclair/typebox';
import { AlertConfigSchema } from '../alert/alert-config.js';

/**
 * The service's settings (server, storage, queue, worker), with the defaults of the embedded
 * deployment (DESIGN §1). Each key maps to one `LOGINGUARD_*` environment variable (see
 * `ENV_KEYS` in load-service-config.ts) and to the same key in the optional config file.
 */
export const ServiceConfigSchema = Type.Object({
  host: Type.String({ minLength: 1, default: '127.0.0.1' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /** Where the SQLite file (and generated demo data) live. */
  dataDir: Type.String({ minLength: 1, default: './data' }),
  /** `postgres://…` selects PostgreSQL (scale-out); unset = SQLite in dataDir. */
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** `redis://…` selects the Redis Streams queue (scale-out); unset = the SQLite queue. */
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** An admin key to create on first start instead of a random one (at least 24 characters). */
  adminKey: Type.Optional(Type.String({ minLength: 24 })),
  logLevel: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  /**
   * SQLite `synchronous`: `full` makes an event durable (fsync'd) before the API answers 202, and
   * a synchronous assessment or an admin change before its answer (the queue worker's own commits
   * are not fsync'd: a power loss can only make it score its last events again, see GroupCommit);
   * `normal` survives a crash of the process but may lose the last commits on power loss.
   */
  sqliteSynchronous: Type.Union([Type.Literal('full'), Type.Literal('normal')], { default: 'full' }),
  /**
   * How long a write waits for the database's write lock (held by another connection: the API's
   * enqueue, the scoring thread's commit, a backup) before it fails; a request that fails so is
   * answered 503 with `Retry-After`.
   */
  sqliteBusyTimeoutMs: Type.Integer({ minimum: 0, default: 5000 }),
  /** Raw events (IP addresses are personal data) are deleted after this many days; 0 keeps them. */
  retentionDays: Type.Number({ minimum: 0, default: 30 }),
  /** Largest request body accepted, in bytes (a 10,000-event batch is about 4 MB). */
  bodyLimitBytes: Type.Integer({ minimum: 1024, default: 16 * 1024 * 1024 }),
  /** Most events in one `POST /v1/events`. */
  maxBatch: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }),
  /** Requests per minute per API key (health routes are not limited). */
  rateLimitPerMinute: Type.Integer({ minimum: 1, default: 120_000 }),
  /**
   * Events waiting in the queue above which ingest answers 503 with Retry-After. Tens of seconds
   * of the worker's work: a deeper backlog only makes its assessments staler, and every queue
   * operation dearer (the queue's indexes outgrow the cache: bench/service-load.mjs).
   */
  maxQueueDepth: Type.Integer({ minimum: 1, default: 100_000 }),
  /**
   * Committed assessments that may alert, waiting for alerting (held in memory), above which
   * ingest also answers 503: when alerting falls behind (the main thread saturated by ingest), the
   * backlog grew by ~20,000 a minute and the main heap with it (bench/service-load.mjs).
   */
  maxAlertingBacklog: Type.Integer({ minimum: 1, default: 20_000 }),
  /** Run the worker in the server process (the embedded default). */
  worker: Type.Boolean({ default: true }),
  /**
   * Score on a worker thread with its own database connection (default), so HTTP and enqueue keep
   * the main thread; false: everything on the main thread (simpler to debug, half the throughput).
   */
  scoringThread: Type.Boolean({ default: true }),
  /**
   * Write users' baselines every this many ms instead of with every batch (0: with every batch).
   * A crash loses what baselines learned since the last write; assessments, locks and the audit
   * log are never delayed. Saves most of the store's work when users log in more than once per
   * interval.
   */
  profileFlushMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 5000 }),
  /** Users whose baseline and lock the worker keeps in memory (least recently used dropped beyond). */
  profileCacheUsers: Type.Integer({ minimum: 100, default: 200_000 }),
  /**
   * The scoring thread's V8 heap limit in MiB (its old generation). 0: from `profileCacheUsers`,
   * 256 MiB plus 8 KiB per cached user (a cached user is ≈ 4 KiB: bench/service-load.mjs), and at
   * least {@link MIN_SCORING_HEAP_MB}. Past it the thread dies and is replaced (ThreadedScoring)
   * rather than the process growing without bound.
   */
  scoringHeapMb: Type.Integer({ minimum: 0, default: 0 }),
  /**
   * Events per worker batch (one lease, one ack, a few commits): scored 500 at a time, so a
   * synchronous assessment never waits behind more than that (src/worker/scorer.ts).
   */
  workerBatch: Type.Integer({ minimum: 1, maximum: 10_000, default: 2000 }),
  /** How long a taken batch stays leased before another worker may take it again. */
  leaseMs: Type.Integer({ minimum: 1000, default: 60_000 }),
  /** Deliveries of one event before it is recorded as failed (poison). */
  maxAttempts: Type.Integer({ minimum: 1, default: 5 }),
  /**
   * Trained anomaly models (`loginguard train --out DIR`) to score with. Unset: `<dataDir>/models`
   * when it holds models, else the rules alone.
   */
  modelsDir: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * With no models (no `modelsDir`, nothing in `<dataDir>/models`): logins scored, the events
   * already stored included, before the anomaly models are fitted on the stored events (on a
   * thread of their own) and saved to `<dataDir>/models`; the rules score alone until then.
   * 0: never (the rules alone until models are given).
   */
  modelsAutoFitAfter: Type.Integer({ minimum: 0, default: 200_000 }),
  /** Load a generated demo dataset when the database is empty. */
  demo: Type.Boolean({ default: false }),
  /** The scoring settings (thresholds, lockout…): only from the config file; see docs/detectors.md. */
  scoring: Type.Optional(Type.Unknown()),
  /** `smtp://user:pass@host:587` or `smtps://…`: mail goes out over SMTP; unset = .eml files in mailDir. */
  smtpUrl: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  /** Where mail is written as .eml files when no SMTP server is set; default `<dataDir>/mail`. */
  mailDir: Type.Optional(Type.String({ minLength: 1 })),
  mailFrom: Type.String({ minLength: 3, default: 'loginguard <loginguard@localhost>' }),
  /** The base URL of the links in mail (as users reach this server); default `http://<host>:<port>`. */
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  /** Signs the links in mail (at least 32 characters); generated once and stored when unset. */
  linkSecret: Type.Optional(Type.String({ minLength: 32 })),
  /** Security team addresses for incident alerts and digests. */
  alertTeamEmails: Type.Array(Type.String({ pattern: '@' }), { default: [] }),
  /** Each alert is POSTed (JSON, signed) to every one of these. */
  webhookUrls: Type.Array(Type.String({ pattern: '^https?://' }), { default: [] }),
  /** HMAC-SHA256 key of the `X-Loginguard-Signature` header (at least 16 characters). */
  webhookSecret: Type.Optional(Type.String({ minLength: 16 })),
  /** Alert rules, tenants, throttling, retries: only from the config file; see docs/alerts.md. */
  alerts: AlertConfigSchema,
});

export type ServiceConfig = Static<typeof ServiceConfigSchema>;

/**
 * The least heap limit derived for the scoring thread, MiB. Near its limit V8 runs the marking
 * steps back to back and the thread stands still for 100–360 ms: with 20,000 users cached the
 * derived 412 MiB gave the synchronous endpoint a p99 of 147–161 ms after a minute of ingest, 800
 * MiB 17–50 ms, for 20–50 MB more RSS (3 pairs, bench/service-load.mjs, docs/BENCHMARKS.md).
 */
export const MIN_SCORING_HEAP_MB = 800;

/** The scoring thread's heap limit in MiB: `scoringHeapMb`, or from the cache bound when it is 0. */
export function scoringHeapLimitMb(
  config: Pick<ServiceConfig, 'scoringHeapMb' | 'profileCacheUsers'>,
): number {
  return (
    config.scoringHeapMb ||
    Math.max(MIN_SCORING_HEAP_MB, 256 + Math.ceil((config.profileCacheUsers * 8) / 1024))
  );
}
