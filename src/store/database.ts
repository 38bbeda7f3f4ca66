import BetterSqlite3 from 'better-sqlite3';
import { type ColumnType, type Generated, Kysely, SqliteDialect } from 'kysely';
import { withStatementCache } from './cached-statements.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
import { yieldOnBusy } from './yield-on-busy.js';

/**
 * An epoch-millisecond timestamp column (SQL `bigint`). better-sqlite3 reads it as a number;
 * node-postgres reads `bigint` as a string unless told otherwise, so repositories read every
 * such column through `Number()` and the type says so.
 */
export type EpochMsColumn = ColumnType<number | string, number, number>;

/** A database-generated integer key (`bigint` identity in PostgreSQL, rowid in SQLite). */
export type SerialColumn = Generated<number | string>;

/** One validated login event as received; `payload` is the event as JSON text. */
export interface EventsTable {
  event_id: string;
  user_id: string;
  /** The event's own time (epoch ms); retention deletes by it. */
  ts: EpochMsColumn;
  received_at: EpochMsColumn;
  payload: string;
}

/** One assessment; `body` is the whole Assessment as JSON, the other columns are for filtering. */
export interface AssessmentsTable {
  event_id: string;
  user_id: string;
  /** `userBucket(user_id)` (src/store/user-bucket.ts): leads the per-user index. */
  user_bucket: number;
  ts: EpochMsColumn;
  action: string;
  risk_score: number;
  risk_level: string;
  /** `,CODE_A,CODE_B,` (`,` when none) so that `LIKE '%,CODE,%'` filters on both databases. */
  reason_codes: string;
  /** The assessment as answered, JSON (its reasons are only here: migration 0006). */
  body: string;
  created_at: EpochMsColumn;
}

export interface AlertsTable {
  id: string;
  event_id: string;
  user_id: string;
  kind: string;
  severity: string;
  created_at: EpochMsColumn;
  status: string;
  body: string;
}

/** Append-only: no repository method updates or deletes a row. */
export interface AuditLogTable {
  id: SerialColumn;
  at: EpochMsColumn;
  actor: string;
  action: string;
  target: string | null;
  source_ip: string | null;
  /** JSON text. */
  detail: string;
}

export interface UserProfilesTable {
  user_id: string;
  /** `encodeProfile` text. */
  profile: string;
  updated_at: EpochMsColumn;
}

export interface LockoutsTable {
  user_id: string;
  /** The LockState as JSON text. */
  lock: string;
  /** `lock.until`, as a column so that "who is locked now" is an index range. */
  locked_until: EpochMsColumn;
  updated_at: EpochMsColumn;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** Hex SHA-256 of the key; the key itself is never stored. */
  key_hash: string;
  /** Comma-separated scopes, e.g. `ingest,read`. */
  scopes: string;
  created_at: EpochMsColumn;
  revoked_at: EpochMsColumn | null;
  last_used_at: EpochMsColumn | null;
}

export interface ModelsTable {
  name: string;
  version: string;
  created_at: EpochMsColumn;
  /** The serialised model (tagged, versioned JSON). */
  body: string;
}

/** The embedded durable queue (src/queue/sqlite-queue.ts). */
export interface QueueTable {
  seq: SerialColumn;
  event_id: string;
  user_id: string;
  /** `userBucket(user_id)` (src/store/user-bucket.ts): leads the per-user index. */
  user_bucket: number;
  /**
   * The event's time: with `event_id`, the key of its row in `events`, where the API stored it
   * when it queued it (migration 0008). Unique with `event_id` (migration 0009).
   */
  ts: EpochMsColumn;
  enqueued_at: EpochMsColumn;
  /** Deliveries so far. */
  attempts: ColumnType<number, number | undefined, number>;
  /** Set while a consumer holds the event; null (or in the past) when it is ready. */
  leased_until: EpochMsColumn | null;
}

/** One row (id 1): the highest seq a single consumer has taken since it started (migration 0005). */
export interface QueueTakenTable {
  id: number;
  /** bigint: read back as a number or, from PostgreSQL, a string. */
  through_seq: ColumnType<number | string, number, number>;
}

/** Poison events: never delivered again, kept for people to look at. */
export interface QueueFailedTable {
  event_id: string;
  /** The event's time: with `event_id`, the key (migration 0009). */
  ts: EpochMsColumn;
  user_id: string;
  payload: string;
  enqueued_at: EpochMsColumn;
  attempts: number;
  failed_at: EpochMsColumn;
  error: string;
}

/** The loginguard schema, as Kysely sees it. Column names are snake_case, as in SQL. */
export interface Database {
  events: EventsTable;
  assessments: AssessmentsTable;
  alerts: AlertsTable;
  audit_log: AuditLogTable;
  user_profiles: UserProfilesTable;
  lockouts: LockoutsTable;
  api_keys: ApiKeysTable;
  models: ModelsTable;
  queue: QueueTable;
  queue_failed: QueueFailedTable;
  queue_taken: QueueTakenTable;
}

/**
 * Options of {@link openSqliteDatabase}.
 *
 * @example
 * const db = openSqliteDatabase('./data/loginguard.db', { synchronous: 'normal' });
 * await migrateToLatest(db);
 */
export interface SqliteOptions {
  /**
   * `full` (default): every commit is on disk when it returns (the WAL is fsynced), so an event
   * is durable once the API answered 202. `normal`: in WAL mode a commit survives a crash of the
   * process but the last transactions before a power cut or an OS crash can be lost (the WAL
   * is only fsynced at checkpoints); the database itself never gets corrupted.
   */
  synchronous?: 'full' | 'normal';
  /**
   * How long a writer waits for another connection's lock before SQLITE_BUSY, without blocking its
   * thread (`yieldOnBusy`). Default 5000 ms.
   */
  busyTimeoutMs?: number;
  /**
   * SQLite's page cache, in MiB (allocated as used). Default 64: with SQLite's own default
   * (16 MiB) the index pages the worker touches fall out of the cache and every batch reads
   * them back (bench/store.bench.mjs: about twice the store time per event).
   */
  cacheSizeMb?: number;
  /**
   * Checkpoint the WAL from a background thread (default true for files; see
   * `wal-checkpointer.ts`). False: SQLite's automatic checkpoint, on the calling thread.
   */
  backgroundCheckpoint?: boolean;
  /**
   * Another connection to the file runs the background checkpointer (the scoring thread's own
   * connection, say): this one keeps SQLite's automatic checkpoint only as a far fallback.
   */
  checkpointedElsewhere?: boolean;
  /**
   * How often the background checkpointer runs. Default 250 ms: at 20,000 events/s the WAL
   * grows by ~25 MB in that time, well below the fallback threshold at which the writing
   * connection would checkpoint by itself.
   */
  checkpointIntervalMs?: number;
}

/** SQLite's own checkpoint threshold, in pages, while a background checkpointer runs: a fallback. */
const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;
/** After a checkpoint, a WAL file larger than this is truncated back to it. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Opens (creating it if needed) a SQLite database file through better-sqlite3, in WAL mode
 * (readers never block the writer), with foreign keys enforced, and returns it as Kysely.
 * `':memory:'` gives a private in-memory database. Run `migrateToLatest(db)` before use;
 * `await db.destroy()` closes the file.
 */
export function openSqliteDatabase(file: string, options: SqliteOptions = {}): Kysely<Database> {
  const synchronous = options.synchronous ?? 'full';
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new Error(`synchronous must be 'full' or 'normal', got ${String(synchronous)}`);
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const cacheSizeKb = Math.max(1, Math.floor((options.cacheSizeMb ?? 64) * 1024));
  const sqlite = new BetterSqlite3(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // Waiting for another connection's lock is done by `yieldOnBusy`, without blocking the thread.
    sqlite.pragma('busy_timeout = 0');
    sqlite.pragma('foreign_keys = ON');
    // Negative: a size in KiB rather than in pages.
    sqlite.pragma(`cache_size = -${cacheSizeKb}`);
    sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const inMemory = file === ':memory:' || file === '';
  let checkpointer: WalCheckpointer | undefined;
  if (!inMemory && options.checkpointedElsewhere) {
    sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  } else if (!inMemory && options.backgroundCheckpoint !== false) {
    sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startWalCheckpointer(file, {
      busyTimeoutMs,
      intervalMs: options.checkpointIntervalMs ?? 250,
    });
  }
  const database = withStatementCache({
    prepare: (text) => sqlite.prepare(text),
    close: () => {
      checkpointer?.stop();
      sqlite.close();
    },
  });
  return new Kysely<Database>({
    dialect: new SqliteDialect({
      database,
      onCreateConnection: async (connection) =>
        yieldOnBusy(connection, () => sqlite.inTransaction, Math.max(0, busyTimeoutMs)),
    }),
  });
}
