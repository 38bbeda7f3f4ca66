import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { LoginEvent } from '../event/login-event.js';
import { chunked } from '../store/chunked.js';
import { type Database, openSqliteDatabase, type SqliteOptions } from '../store/database.js';
import { decodeLoginEvent, encodeLoginEvent } from '../store/login-event-json.js';
import { migrateToLatest } from '../store/migrations.js';
import { userBucket } from '../store/user-bucket.js';
import type { EnqueueResult, FailedEvent, Queue, QueueDepth, QueuedEvent } from './queue.js';

/** Options of {@link SqliteQueue}. */
export interface SqliteQueueOptions {
  /** Deliveries before an event is moved to the failed list on the next take. Default 5. */
  maxAttempts?: number;
  /** `close()` also closes the database (the queue opened it). Default false: the db is shared. */
  closeDatabase?: boolean;
  /**
   * A second connection to the same file for `hasReady`: in WAL mode a reader never waits for the
   * writer, so a check does not queue behind a commit. Default: the main connection.
   */
  reader?: Kysely<Database>;
}

/** Failed-list error for an event delivered `maxAttempts` times without an ack. */
export const TOO_MANY_ATTEMPTS = 'too many attempts';

/** Longest error text kept in the failed list. */
const MAX_ERROR_LENGTH = 2000;

interface LeasedRow {
  seq: number;
  event_id: string;
  payload: string;
  enqueued_at: number;
  attempts: number;
}

/**
 * The embedded durable queue (DESIGN §1): the `queue` table of the service's own SQLite file,
 * so an accepted event and everything the worker writes share one database and one backup.
 *
 * Every call is one transaction (BEGIN IMMEDIATE, see `withStatementCache`): when `enqueue`
 * resolves, the events are in the WAL, fsynced with `synchronous: 'full'`. The hot statements
 * are written as SQL text once per chunk size and reused as prepared statements; multi-row
 * inserts carry up to 500 events per statement.
 *
 * A lease is not owned: `ack`, `fail` and `release` act on the event whoever holds it. With the
 * single consumer of the embedded deployment that is enough; several consumers would need a
 * lease token per take (and per-user partitioning, see {@link Queue}).
 */
export class SqliteQueue implements Queue {
  private readonly maxAttempts: number;
  private readonly closeDatabase: boolean;
  private readonly reader: Kysely<Database>;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    options: SqliteQueueOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a positive integer, got ${options.maxAttempts}`);
    }
    this.closeDatabase = options.closeDatabase ?? false;
    this.reader = options.reader ?? db;
  }

  /** A queue on its own database file (migrated); `close()` closes the file. */
  static async open(file: string, options: SqliteQueueOptions & SqliteOptions = {}): Promise<SqliteQueue> {
    const db = openSqliteDatabase(file, options);
    try {
      await migrateToLatest(db);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new SqliteQueue(db, { ...options, closeDatabase: true });
  }

  enqueue(events: readonly LoginEvent[], nowMs: number): Promise<EnqueueResult> {
    return this.run(async () => {
      if (events.length === 0) return { accepted: [], duplicates: [] };
      const inserted = new Set<string>();
      await this.db.transaction().execute(async (trx) => {
        for (const chunk of chunked(events, 5)) {
          const params: unknown[] = [];
          for (const e of chunk)
            params.push(e.eventId, e.userId, userBucket(e.userId), encodeLoginEvent(e), nowMs);
          const { rows } = await trx.executeQuery<{ event_id: string }>(
            CompiledQuery.raw(insertSql(chunk.length), params),
          );
          for (const row of rows) inserted.add(row.event_id);
        }
      });
      const accepted: string[] = [];
      const duplicates: string[] = [];
      for (const e of events) {
        // An id twice in one call is inserted once: the first occurrence is the accepted one.
        if (inserted.delete(e.eventId)) accepted.push(e.eventId);
        else duplicates.push(e.eventId);
      }
      return { accepted, duplicates };
    });
  }

  take(max: number, leaseMs: number, nowMs: number): Promise<QueuedEvent[]> {
    return this.run(() => {
      if (!(max >= 1)) return Promise.resolve([]);
      return this.lease(TAKE_SQL, [nowMs + leaseMs, nowMs, Math.floor(max)], nowMs);
    });
  }

  takeUser(userId: string, leaseMs: number, nowMs: number, max?: number): Promise<QueuedEvent[]> {
    return this.run(() => {
      const limit = max === undefined ? -1 : Math.floor(max);
      if (limit === 0 || limit < -1) return Promise.resolve([]);
      return this.lease(TAKE_USER_SQL, [nowMs + leaseMs, userBucket(userId), userId, nowMs, limit], nowMs);
    });
  }

  ack(eventIds: readonly string[]): Promise<void> {
    return this.run(() => this.byIds(eventIds, (n) => `DELETE FROM queue WHERE event_id IN (${marks(n)})`));
  }

  release(eventIds: readonly string[]): Promise<void> {
    return this.run(() =>
      this.byIds(eventIds, (n) => `UPDATE queue SET leased_until = NULL WHERE event_id IN (${marks(n)})`),
    );
  }

  fail(eventId: string, error: string, nowMs: number): Promise<void> {
    return this.run(() =>
      this.db.transaction().execute(async (trx) => {
        await moveToFailed(trx, [eventId], error, nowMs, 0);
      }),
    );
  }

  depth(nowMs: number): Promise<QueueDepth> {
    return this.run(async () => {
      // Two counts, each answered from an index (migration 0003): one scan of the table with both
      // read every payload, tens of ms at 100,000 waiting.
      const all = await this.db.executeQuery<{ n: number }>(CompiledQuery.raw(DEPTH_SQL.all));
      const inLease = await this.db.executeQuery<{ n: number }>(CompiledQuery.raw(DEPTH_SQL.leased, [nowMs]));
      const oldest = await this.db.executeQuery<{ enqueued_at: number }>(
        CompiledQuery.raw('SELECT enqueued_at FROM queue ORDER BY seq LIMIT 1'),
      );
      const failed = await this.db.executeQuery<{ n: number }>(
        CompiledQuery.raw('SELECT COUNT(*) AS n FROM queue_failed'),
      );
      const total = Number(all.rows[0]?.n ?? 0);
      const leased = Number(inLease.rows[0]?.n ?? 0);
      const first = oldest.rows[0];
      return {
        ready: total - leased,
        leased,
        failed: Number(failed.rows[0]?.n ?? 0),
        oldestEnqueuedAt: first === undefined ? undefined : Number(first.enqueued_at),
      };
    });
  }

  listFailed(limit: number): Promise<FailedEvent[]> {
    return this.run(async () => {
      const rows = await this.db
        .selectFrom('queue_failed')
        .select(['event_id', 'error', 'failed_at', 'payload'])
        .orderBy('failed_at', 'desc')
        .orderBy('event_id', 'desc')
        .limit(Math.max(0, Math.floor(limit)))
        .execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        error: r.error,
        failedAt: Number(r.failed_at),
        payload: r.payload,
      }));
    });
  }

  async hasReady(userId: string, nowMs: number): Promise<boolean> {
    // Runs before every synchronous assessment: SQL text written once, like the other hot
    // statements, rather than a query built (and its expression nodes allocated) on each call.
    const { rows } = await this.reader.executeQuery(
      CompiledQuery.raw(HAS_READY_SQL, [userBucket(userId), userId, nowMs]),
    );
    return rows.length > 0;
  }

  /**
   * Gives back every lease at once: for the start of the embedded deployment, whose worker is the
   * queue's only consumer, so a lease still in the table belongs to a process that died. Without
   * it, what the dead process held would wait for its lease to run out. Not for shared queues.
   * Returns how many events were recovered.
   */
  recoverLeases(): Promise<number> {
    return this.run(async () => {
      const result = await this.db
        .updateTable('queue')
        .set({ leased_until: null })
        .where('leased_until', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending]);
    if (this.closeDatabase) await this.db.destroy();
  }

  /** Tracks a call so that close() can wait for it; refuses calls after close(). */
  private run<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the queue is closed'));
    const promise = call();
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Leases rows with one UPDATE … RETURNING (the write lock is taken by the first statement, and
   * no row can be taken twice), then moves to the failed list what is past the attempts bound or
   * cannot be decoded.
   */
  private lease(sqlText: string, params: unknown[], nowMs: number): Promise<QueuedEvent[]> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await trx.executeQuery<LeasedRow>(CompiledQuery.raw(sqlText, params));
      rows.sort((a, b) => a.seq - b.seq);
      const out: QueuedEvent[] = [];
      const exhausted: string[] = [];
      for (const row of rows) {
        if (row.attempts > this.maxAttempts) {
          exhausted.push(row.event_id);
          continue;
        }
        let event: LoginEvent;
        try {
          event = decodeLoginEvent(row.payload);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          await moveToFailed(trx, [row.event_id], `undecodable payload: ${reason}`, nowMs, 0);
          continue;
        }
        out.push({ seq: row.seq, event, attempts: row.attempts, enqueuedAt: Number(row.enqueued_at) });
      }
      // attempts was just counted up for a delivery that does not happen: store the real count.
      if (exhausted.length > 0) await moveToFailed(trx, exhausted, TOO_MANY_ATTEMPTS, nowMs, -1);
      return out;
    });
  }

  private async byIds(eventIds: readonly string[], sqlFor: (n: number) => string): Promise<void> {
    if (eventIds.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const chunk of chunked(eventIds, 1)) {
        await trx.executeQuery(CompiledQuery.raw(sqlFor(chunk.length), chunk));
      }
    });
  }
}

/** The depth's two counts (exported for the test that checks they are answered from indexes). */
export const DEPTH_SQL = {
  all: 'SELECT COUNT(*) AS n FROM queue',
  leased: 'SELECT COUNT(*) AS n FROM queue WHERE leased_until > ?',
} as const;

const LEASED_COLUMNS = 'seq, event_id, payload, enqueued_at, attempts';

const TAKE_SQL = `UPDATE queue SET leased_until = ?, attempts = attempts + 1 WHERE seq IN (
  SELECT seq FROM queue WHERE leased_until IS NULL OR leased_until <= ? ORDER BY seq LIMIT ?
) RETURNING ${LEASED_COLUMNS}`;

/**
 * One user's events that may be taken (waiting, or their lease ran out), through the per-user
 * index (user_bucket, seq, user_id); parameters userBucket(userId), userId, now.
 */
const READY_FOR_USER =
  'SELECT seq FROM queue WHERE user_bucket = ? AND user_id = ? AND (leased_until IS NULL OR leased_until <= ?)';

const TAKE_USER_SQL = `UPDATE queue SET leased_until = ?, attempts = attempts + 1 WHERE seq IN (
  ${READY_FOR_USER} ORDER BY seq LIMIT ?
) RETURNING ${LEASED_COLUMNS}`;

const HAS_READY_SQL = `${READY_FOR_USER} LIMIT 1`;

/** hasReady's and takeUser's statements (exported for the test that checks their index). */
export const USER_READY_SQL = { has: HAS_READY_SQL, take: TAKE_USER_SQL } as const;

const insertSqlBySize = new Map<number, string>();

function insertSql(rows: number): string {
  let text = insertSqlBySize.get(rows);
  if (text === undefined) {
    const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');
    text = `INSERT INTO queue (event_id, user_id, user_bucket, payload, enqueued_at) VALUES ${values} ON CONFLICT (event_id) DO NOTHING RETURNING event_id`;
    insertSqlBySize.set(rows, text);
  }
  return text;
}

function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Queue rows → queue_failed (replacing an earlier failure of the same event), in the caller's transaction. */
async function moveToFailed(
  trx: Transaction<Database>,
  eventIds: readonly string[],
  error: string,
  nowMs: number,
  attemptsDelta: number,
): Promise<void> {
  const text = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error;
  for (const chunk of chunked(eventIds, 1)) {
    const list = marks(chunk.length);
    // The WHERE before ON CONFLICT is required by SQLite's parser for INSERT … SELECT … ON CONFLICT.
    await trx.executeQuery(
      CompiledQuery.raw(
        `INSERT INTO queue_failed (event_id, user_id, payload, enqueued_at, attempts, failed_at, error)
         SELECT event_id, user_id, payload, enqueued_at, MAX(attempts + ?, 0), ?, ? FROM queue WHERE event_id IN (${list})
         ON CONFLICT (event_id) DO UPDATE SET user_id = excluded.user_id, payload = excluded.payload,
           enqueued_at = excluded.enqueued_at, attempts = excluded.attempts, failed_at = excluded.failed_at,
           error = excluded.error`,
        [attemptsDelta, nowMs, text, ...chunk],
      ),
    );
    await trx.executeQuery(CompiledQuery.raw(`DELETE FROM queue WHERE event_id IN (${list})`, chunk));
  }
}
