import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { LoginEvent } from '../event/login-event.js';
import { chunked } from '../store/chunked.js';
import { type Database, openSqliteDatabase, type SqliteOptions } from '../store/database.js';
import { eventKey, keyIn } from '../store/event-key.js';
import { decodeEventRow, type EventRowKey, encodeEventPayload } from '../store/login-event-json.js';
import { migrateToLatest } from '../store/migrations.js';
import { RelaxedCommit } from '../store/relaxed-commit.js';
import { userBucket } from '../store/user-bucket.js';
import { MemoryLeases } from './memory-leases.js';
import type { EnqueueResult, FailedEvent, Queue, QueueDepth, QueuedEvent, RequeueResult } from './queue.js';

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
  /**
   * The table has one consumer, and it is this object (every other object on the file only
   * enqueues, reads depths and runs `recoverLeases`): the embedded deployment. Leases are then kept
   * in memory instead of written to every taken row, so a take only reads (under full-tilt ingest
   * the lease's UPDATE rewrote every taken row, payload and all, 7 µs per event on the scoring
   * thread). What the memory loses in a crash, a high-water mark of the taken rows keeps: the
   * next start's `recoverLeases` counts one more attempt for every event up to it still waiting.
   * (The synchronous path's `takeUser` does not move the mark: a crash there is not counted.)
   * Default false: leases written to the rows, for several consumers.
   */
  singleConsumer?: boolean;
}

/** Failed-list error for an event delivered `maxAttempts` times without an ack. */
export const TOO_MANY_ATTEMPTS = 'too many attempts';

/** Longest error text kept in the failed list. */
const MAX_ERROR_LENGTH = 2000;

interface LeasedRow {
  seq: number;
  event_id: string;
  user_id: string;
  ts: number;
  /** The event's JSON, from its row in `events`; null when that row is gone (retention). */
  payload: string | null;
  enqueued_at: number;
  attempts: number;
}

/** What a lease's UPDATE … RETURNING gives of a row ({@link LEASED_COLUMNS}): its key, no JSON. */
type ReturnedRow = Omit<LeasedRow, 'payload'>;

/**
 * The embedded durable queue (DESIGN §1): the `queue` table of the service's own SQLite file,
 * so an accepted event and everything the worker writes share one database and one backup.
 *
 * Every call is one transaction (BEGIN IMMEDIATE, see `withStatementCache`): when `enqueue`
 * resolves, the events are in the WAL, fsynced with `synchronous: 'full'`. Acks and the take's
 * high-water mark are not fsync'd ({@link RelaxedCommit}): a lost ack only delivers an assessed
 * event again, which the worker skips. The hot statements
 * are written as SQL text once per chunk size and reused as prepared statements; multi-row
 * inserts carry up to 500 events per statement.
 *
 * The queue holds a reference to each event, not the event: `enqueue` stores the event in `events`
 * (where the worker used to store it once it was scored) and queues its key, in one transaction,
 * so each event's JSON is written once instead of twice and never deleted from the queue's pages
 * (docs/BENCHMARKS.md, session 23: the scoring thread 47 → 42 µs per event). An event whose
 * `events` row exists already (same id and time: it was received before) is a duplicate, whether
 * it is still queued or was scored long ago. A take reads the JSON through the key; an event whose
 * row is gone (retention ran while it waited) goes to the failed list, its error saying so.
 *
 * The queue's rows are found by their key (`ts`, `event_id`) only to catch duplicates, and by
 * their place (`seq`, the primary key) for everything else: ack, fail and release take the queued
 * events back. No index leads with the event id: ids are random (UUIDs from identity providers), and
 * an index on them alone took each insert and delete to a random page, every one written to the WAL
 * (docs/BENCHMARKS.md, sessions 24–25: more pages per event the deeper the queue; with random ids
 * and a deep queue, up to a third of the service's throughput).
 *
 * A lease is not owned: `ack`, `fail` and `release` act on the event whoever holds it. With the
 * single consumer of the embedded deployment that is enough; several consumers would need a
 * lease token per take (and per-user partitioning, see {@link Queue}).
 */
export class SqliteQueue implements Queue {
  private readonly maxAttempts: number;
  private readonly closeDatabase: boolean;
  private readonly reader: Kysely<Database>;
  /**
   * Single consumer: its leases, and the high-water mark it has stored (the last queue position a
   * `take` handed out in this process).
   */
  private readonly leases: MemoryLeases | undefined;
  private markedThrough = 0;
  /** Acks and the take's mark: not fsync'd (see the class comment). */
  private readonly relaxed: RelaxedCommit;
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
    this.leases = options.singleConsumer ? new MemoryLeases() : undefined;
    this.relaxed = new RelaxedCommit(db);
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
      // Encoded before BEGIN: the transaction holds the file's one write lock, which the worker's
      // commits wait for.
      const chunks = chunked(events, 5).map((chunk) => {
        const queued: unknown[] = [];
        const stored: unknown[] = [];
        for (const e of chunk) {
          queued.push(e.eventId, e.userId, userBucket(e.userId), e.timestampMs, nowMs);
          stored.push(e.eventId, e.userId, e.timestampMs, nowMs, encodeEventPayload(e));
        }
        return { events: chunk, queued, stored };
      });
      const accepted = new Uint8Array(events.length);
      await this.db.transaction().execute(async (trx) => {
        let offset = 0;
        for (const chunk of chunks) {
          const size = chunk.events.length;
          // Queued (not queued already), then stored (not received before): an event is accepted
          // when both are new. Only what was queued is stored: every event when all rows came
          // back, the usual case, which needs no key.
          const { rows } = await trx.executeQuery<KeyRow & { seq: number }>(
            CompiledQuery.raw(insertSql('queue', size), chunk.queued),
          );
          let queued: Map<string, number> | undefined;
          let stored = chunk.stored;
          if (rows.length !== size) {
            queued = seqByKey(rows);
            stored = storedRowsOf(chunk.stored, queued);
          }
          const storedRows =
            stored.length === 0
              ? []
              : (
                  await trx.executeQuery<KeyRow>(
                    CompiledQuery.raw(insertSql('events', stored.length / STORED_COLUMNS), stored),
                  )
                ).rows;
          if (storedRows.length === size) {
            accepted.fill(1, offset, offset + size);
            offset += size;
            continue;
          }
          // Otherwise by key (eventKey: an id with another time is another event): what was
          // received before is taken out of the queue again, by its place.
          queued ??= seqByKey(rows);
          const inserted = new Set<string>();
          for (const row of storedRows) {
            const key = keyOfRow(row);
            if (queued.delete(key)) inserted.add(key);
          }
          for (const seqs of chunked([...queued.values()], 1)) {
            await trx.executeQuery(
              CompiledQuery.raw(`DELETE FROM queue WHERE seq IN (${marks(seqs.length)})`, seqs),
            );
          }
          // An event twice in one call is inserted once: the first occurrence is the accepted one.
          for (const [i, e] of chunk.events.entries()) {
            if (inserted.delete(eventKey(e))) accepted[offset + i] = 1;
          }
          offset += size;
        }
      });
      const result: EnqueueResult = { accepted: [], duplicates: [] };
      for (const [i, e] of events.entries())
        (accepted[i] ? result.accepted : result.duplicates).push(e.eventId);
      return result;
    });
  }

  take(max: number, leaseMs: number, nowMs: number): Promise<QueuedEvent[]> {
    return this.run(async () => {
      if (!(max >= 1)) return [];
      const limit = Math.floor(max);
      if (!this.leases) return this.lease(TAKE_SQL, [nowMs + leaseMs, nowMs, limit], nowMs);
      // While every event this consumer took is still out (none released, no lease run out), all
      // the rows up to the mark (the last one `take` handed out) are leased: the scan starts after it. Read
      // from the start, the leases ahead of the oldest waiting row (the batch being scored and the
      // one taken ahead) were read, payload and all, and skipped at every take: 4.7 ms per take
      // under full-tilt ingest (bench/service-load.mjs with bench/sql-time.cjs).
      const after = this.leases.allRunning(nowMs) ? this.markedThrough : 0;
      const { rows } = await this.db.executeQuery<LeasedRow>(
        CompiledQuery.raw(OLDEST_SQL, [after, limit + this.leases.runningAfter(after, nowMs)]),
      );
      return this.deliver(rows, limit, nowMs + leaseMs, nowMs, true);
    });
  }

  takeUser(userId: string, leaseMs: number, nowMs: number, max?: number): Promise<QueuedEvent[]> {
    return this.run(async () => {
      const limit = max === undefined ? -1 : Math.floor(max);
      if (limit === 0 || limit < -1) return [];
      const bucket = userBucket(userId);
      if (!this.leases) {
        return this.lease(TAKE_USER_SQL, [nowMs + leaseMs, bucket, userId, nowMs, limit], nowMs);
      }
      const scan = limit === -1 ? -1 : limit + this.leases.running(nowMs);
      const { rows } = await this.db.executeQuery<LeasedRow>(
        CompiledQuery.raw(USER_OLDEST_SQL, [bucket, userId, scan]),
      );
      return this.deliver(rows, limit === -1 ? rows.length : limit, nowMs + leaseMs, nowMs, false);
    });
  }

  ack(taken: readonly QueuedEvent[]): Promise<void> {
    return this.run(async () => {
      if (taken.length === 0) return;
      // By queue position, the primary key: the (ts, event_id) index is only for duplicates.
      const seqs = taken.map((q) => q.seq);
      await this.relaxed.run((db) => bySeqs(db, seqs, (n) => `DELETE FROM queue WHERE seq IN (${marks(n)})`));
      this.leases?.forget(seqs);
    });
  }

  release(taken: readonly QueuedEvent[]): Promise<void> {
    return this.run(async () => {
      const seqs = taken.map((q) => q.seq);
      if (this.leases) this.leases.release(seqs);
      else
        await bySeqs(this.db, seqs, (n) => `UPDATE queue SET leased_until = NULL WHERE seq IN (${marks(n)})`);
    });
  }

  fail(taken: QueuedEvent, error: string, nowMs: number): Promise<void> {
    return this.run(async () => {
      // A single consumer's deliveries in this process are not in the row yet.
      const delivered = this.leases?.deliveries(taken.seq) ?? 0;
      await this.db.transaction().execute(async (trx) => {
        await moveToFailed(trx, [taken.seq], error, nowMs, delivered);
      });
      this.leases?.forget([taken.seq]);
    });
  }

  depth(nowMs: number): Promise<QueueDepth> {
    return this.run(async () => {
      // Two counts, each answered from an index (migration 0003): one scan of the table with both
      // read every payload, tens of ms at 100,000 waiting.
      const all = await this.db.executeQuery<{ n: number }>(CompiledQuery.raw(DEPTH_SQL.all));
      // A single consumer's leases are in its memory: another object on the file (the main
      // thread's, when the consumer runs on the scoring thread) counts them as ready.
      const leased = this.leases ? this.leases.running(nowMs) : await this.countLeasedRows(nowMs);
      const oldest = await this.db.executeQuery<{ enqueued_at: number }>(
        CompiledQuery.raw('SELECT enqueued_at FROM queue ORDER BY seq LIMIT 1'),
      );
      const failed = await this.db.executeQuery<{ n: number }>(
        CompiledQuery.raw('SELECT COUNT(*) AS n FROM queue_failed'),
      );
      const total = Number(all.rows[0]?.n ?? 0);
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
        .select(['event_id', 'user_id', 'ts', 'error', 'failed_at', 'payload'])
        .orderBy('failed_at', 'desc')
        .orderBy('event_id', 'desc')
        .limit(Math.max(0, Math.floor(limit)))
        .execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        userId: r.user_id,
        timestampMs: Number(r.ts),
        error: r.error,
        failedAt: Number(r.failed_at),
        payload: r.payload,
      }));
    });
  }

  requeueFailed(eventId: string, timestampMs: number, nowMs: number): Promise<RequeueResult> {
    return this.run(() =>
      this.db.transaction().execute(async (trx): Promise<RequeueResult> => {
        const failed = await trx
          .selectFrom('queue_failed as f')
          .leftJoin('events as e', (join) =>
            join.onRef('e.ts', '=', 'f.ts').onRef('e.event_id', '=', 'f.event_id'),
          )
          .select(['f.user_id', 'e.event_id as stored'])
          .where('f.ts', '=', timestampMs)
          .where('f.event_id', '=', eventId)
          .executeTakeFirst();
        if (!failed) return 'not_failed';
        if (failed.stored === null) return 'not_stored';
        // A new row, so a new place at the end: the single consumer's mark is behind it.
        await trx
          .insertInto('queue')
          .values({
            event_id: eventId,
            user_id: failed.user_id,
            user_bucket: userBucket(failed.user_id),
            ts: timestampMs,
            enqueued_at: nowMs,
            leased_until: null,
          })
          .onConflict((oc) => oc.columns(['ts', 'event_id']).doNothing())
          .execute();
        await trx
          .deleteFrom('queue_failed')
          .where('ts', '=', timestampMs)
          .where('event_id', '=', eventId)
          .execute();
        return 'requeued';
      }),
    );
  }

  deleteFailedOlderThan(tsMs: number): Promise<number> {
    return this.run(async () => {
      // The failed list is short (poison only): one statement, through the primary key's `ts`.
      const result = await this.db.deleteFrom('queue_failed').where('ts', '<', tsMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  async hasReady(userId: string, nowMs: number): Promise<boolean> {
    // Runs before every synchronous assessment: SQL text written once, like the other hot
    // statements, rather than a query built (and its expression nodes allocated) on each call.
    const { leases } = this;
    if (leases) {
      // Enough of the user's rows to get past every running lease.
      const { rows } = await this.reader.executeQuery<{ seq: number }>(
        CompiledQuery.raw(USER_SEQS_SQL, [userBucket(userId), userId, leases.running(nowMs) + 1]),
      );
      return rows.some((row) => !leases.isLeased(Number(row.seq), nowMs));
    }
    const { rows } = await this.reader.executeQuery(
      CompiledQuery.raw(HAS_READY_SQL, [userBucket(userId), userId, nowMs]),
    );
    return rows.length > 0;
  }

  /**
   * Gives back every lease at once: for the start of the embedded deployment (or before its
   * scoring thread is replaced), whose worker is the queue's only consumer, so a lease still held
   * belongs to a consumer that died. Without it, what the dead consumer held would wait for its
   * lease to run out. Not for shared queues. A single consumer's leases died with its memory: each
   * event up to its mark that is still waiting gets the interrupted delivery counted, and the mark
   * starts again from 0. Returns how many events were recovered.
   */
  recoverLeases(): Promise<number> {
    return this.run(() =>
      this.db.transaction().execute(async (trx) => {
        const written = await trx
          .updateTable('queue')
          .set({ leased_until: null })
          .where('leased_until', 'is not', null)
          .executeTakeFirst();
        const { numAffectedRows } = await trx.executeQuery(CompiledQuery.raw(COUNT_INTERRUPTED_SQL));
        await trx.updateTable('queue_taken').set({ through_seq: 0 }).execute();
        this.markedThrough = 0;
        return Number(written.numUpdatedRows) + Number(numAffectedRows ?? 0);
      }),
    );
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
      const { rows } = await trx.executeQuery<ReturnedRow>(CompiledQuery.raw(sqlText, params));
      rows.sort((a, b) => a.seq - b.seq);
      // RETURNING reads the updated table alone: the events' JSON comes with a second statement.
      const payloads = new Map<string, string>();
      for (const chunk of chunked(rows, 2)) {
        const found = await trx
          .selectFrom('events')
          .select(['event_id', 'ts', 'payload'])
          .where(keyIn(chunk.map((r) => ({ eventId: r.event_id, timestampMs: Number(r.ts) }))))
          .execute();
        for (const row of found) payloads.set(keyOfRow(row), row.payload);
      }
      const out: QueuedEvent[] = [];
      const exhausted: number[] = [];
      for (const row of rows) {
        if (row.attempts > this.maxAttempts) {
          exhausted.push(row.seq);
          continue;
        }
        const event = decodePayload(row, payloads.get(keyOfRow(row)) ?? null);
        if (typeof event === 'string') {
          await moveToFailed(trx, [row.seq], event, nowMs, 0);
          continue;
        }
        out.push({
          seq: row.seq,
          event,
          attempts: row.attempts,
          enqueuedAt: Number(row.enqueued_at),
          recorded: true,
        });
      }
      // attempts was just counted up for a delivery that does not happen: store the real count.
      if (exhausted.length > 0) await moveToFailed(trx, exhausted, TOO_MANY_ATTEMPTS, nowMs, -1);
      return out;
    });
  }

  /**
   * Single consumer: hands out up to `max` of these rows (oldest first) that are not leased,
   * leasing them in memory. Before they are handed out, the mark moves past them (`mark`: a take,
   * not the synchronous path's takeUser) and what is past the attempts bound, cannot be decoded
   * or is no longer stored goes to the failed list, in one transaction.
   */
  private async deliver(
    rows: readonly LeasedRow[],
    max: number,
    untilMs: number,
    nowMs: number,
    mark: boolean,
  ): Promise<QueuedEvent[]> {
    const leases = this.leases as MemoryLeases;
    const out: QueuedEvent[] = [];
    const failures: { seq: number; error: string; delivered: number }[] = [];
    let through = 0;
    for (const row of rows) {
      if (out.length >= max) break;
      const seq = Number(row.seq);
      if (leases.isLeased(seq, nowMs)) continue;
      const delivered = leases.deliveries(seq);
      const attempts = Number(row.attempts) + delivered + 1;
      if (attempts > this.maxAttempts) {
        failures.push({ seq, error: TOO_MANY_ATTEMPTS, delivered });
        continue;
      }
      const event = decodePayload(row, row.payload);
      if (typeof event === 'string') {
        failures.push({ seq, error: event, delivered: delivered + 1 });
        continue;
      }
      leases.deliver(seq, untilMs);
      through = Math.max(through, seq);
      out.push({
        seq,
        event,
        attempts,
        enqueuedAt: Number(row.enqueued_at),
        recorded: true,
      });
    }
    const moveMark = mark && through > this.markedThrough;
    if (moveMark || failures.length > 0) {
      const write = (db: Kysely<Database>) =>
        db.transaction().execute(async (trx) => {
          if (moveMark) {
            await trx.executeQuery(CompiledQuery.raw(MOVE_MARK_SQL, [through, through]));
          }
          for (const f of failures) await moveToFailed(trx, [f.seq], f.error, nowMs, f.delivered);
        });
      // The mark alone need not be fsync'd (a power loss forgets a few deliveries); a failure is.
      await (failures.length > 0 ? write(this.db) : this.relaxed.run(write));
      if (moveMark) this.markedThrough = through;
      leases.forget(failures.map((f) => f.seq));
    }
    return out;
  }

  private async countLeasedRows(nowMs: number): Promise<number> {
    const { rows } = await this.db.executeQuery<{ n: number }>(CompiledQuery.raw(DEPTH_SQL.leased, [nowMs]));
    return Number(rows[0]?.n ?? 0);
  }
}

/** One statement per chunk of queue positions, in one transaction. */
async function bySeqs(
  db: Kysely<Database>,
  seqs: readonly number[],
  sqlFor: (n: number) => string,
): Promise<void> {
  if (seqs.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const chunk of chunked(seqs, 1)) {
      await trx.executeQuery(CompiledQuery.raw(sqlFor(chunk.length), chunk));
    }
  });
}

/** The depth's two counts (exported for the test that checks they are answered from indexes). */
export const DEPTH_SQL = {
  all: 'SELECT COUNT(*) AS n FROM queue',
  leased: 'SELECT COUNT(*) AS n FROM queue WHERE leased_until > ?',
} as const;

/** What UPDATE … RETURNING gives of a leased row (the event's JSON is read with its key after). */
const LEASED_COLUMNS = 'seq, event_id, user_id, ts, enqueued_at, attempts';

/** A queued row with its event's JSON, from the event's row in `events` (null when it is gone). */
const WITH_PAYLOAD = `SELECT q.seq AS seq, q.event_id AS event_id, q.user_id AS user_id, q.ts AS ts, e.payload AS payload, q.enqueued_at AS enqueued_at,
  q.attempts AS attempts FROM queue q LEFT JOIN events e ON e.ts = q.ts AND e.event_id = q.event_id`;

/**
 * Single consumer: the oldest rows after a queue position, leased or not (the leases are in
 * memory); parameters: the position, how many.
 */
const OLDEST_SQL = `${WITH_PAYLOAD} WHERE q.seq > ? ORDER BY q.seq LIMIT ?`;

/** Single consumer: one user's oldest rows; parameters userBucket(userId), userId, how many (-1: all). */
const USER_OLDEST_SQL = `${WITH_PAYLOAD} WHERE q.user_bucket = ? AND q.user_id = ? ORDER BY q.seq LIMIT ?`;

/** Single consumer, hasReady: the queue positions only, from the per-user index alone. */
const USER_SEQS_SQL = 'SELECT seq FROM queue WHERE user_bucket = ? AND user_id = ? ORDER BY seq LIMIT ?';

/** The mark only moves up. */
const MOVE_MARK_SQL = 'UPDATE queue_taken SET through_seq = ? WHERE id = 1 AND through_seq < ?';

/** At start: one more attempt for each event a single consumer took and never finished. */
const COUNT_INTERRUPTED_SQL =
  'UPDATE queue SET attempts = attempts + 1 WHERE seq <= (SELECT through_seq FROM queue_taken WHERE id = 1)';

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
export const USER_READY_SQL = {
  has: HAS_READY_SQL,
  take: TAKE_USER_SQL,
  singleHas: USER_SEQS_SQL,
  singleTake: USER_OLDEST_SQL,
} as const;

const insertSqlBySize = new Map<string, string>();

/** The multi-row insert of `enqueue` into `table`, returning the keys it inserted (and queue positions). */
function insertSql(table: 'queue' | 'events', rows: number): string {
  const key = `${table} ${rows}`;
  let text = insertSqlBySize.get(key);
  if (text === undefined) {
    const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');
    text =
      table === 'queue'
        ? `INSERT INTO queue (event_id, user_id, user_bucket, ts, enqueued_at) VALUES ${values} ON CONFLICT (ts, event_id) DO NOTHING RETURNING seq, event_id, ts`
        : `INSERT INTO events (event_id, user_id, ts, received_at, payload) VALUES ${values} ON CONFLICT (ts, event_id) DO NOTHING RETURNING event_id, ts`;
    insertSqlBySize.set(key, text);
  }
  return text;
}

/** Parameters per `events` row of the enqueue (event_id first). */
const STORED_COLUMNS = 5;

/**
 * The `events` rows of an enqueue's parameters ({@link STORED_COLUMNS} each: id, user, time, …)
 * whose key is in `keys`.
 */
function storedRowsOf(params: readonly unknown[], keys: ReadonlyMap<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < params.length; i += STORED_COLUMNS) {
    const key = eventKey({ eventId: params[i] as string, timestampMs: params[i + 2] as number });
    if (keys.has(key)) out.push(...params.slice(i, i + STORED_COLUMNS));
  }
  return out;
}

/** A row's event key, from its `event_id` and `ts` columns. */
type KeyRow = Pick<EventRowKey, 'event_id' | 'ts'>;

function keyOfRow(row: KeyRow): string {
  return eventKey({ eventId: row.event_id, timestampMs: Number(row.ts) });
}

/** The queue positions of the rows an enqueue's insert returned, by event key. */
function seqByKey(rows: readonly (KeyRow & { seq: number })[]): Map<string, number> {
  const seqs = new Map<string, number>();
  for (const row of rows) seqs.set(keyOfRow(row), row.seq);
  return seqs;
}

/** The queued event, or the failed-list error saying why it cannot be read (null: its row is gone). */
function decodePayload(key: EventRowKey, payload: string | null): LoginEvent | string {
  if (payload === null) return NOT_STORED;
  try {
    return decodeEventRow(key, payload);
  } catch (error) {
    return `undecodable payload: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Failed-list error for a queued event whose row in `events` was deleted before it was scored. */
export const NOT_STORED = 'the event is no longer stored (deleted by retention before it was scored)';

function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * Queue rows (by queue position) → queue_failed (replacing an earlier failure of the same event),
 * in the caller's transaction.
 */
async function moveToFailed(
  trx: Transaction<Database>,
  seqs: readonly number[],
  error: string,
  nowMs: number,
  attemptsDelta: number,
): Promise<void> {
  const text = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error;
  for (const chunk of chunked(seqs, 1)) {
    const list = marks(chunk.length);
    // The WHERE before ON CONFLICT is required by SQLite's parser for INSERT … SELECT … ON CONFLICT.
    await trx.executeQuery(
      CompiledQuery.raw(
        `INSERT INTO queue_failed (event_id, ts, user_id, payload, enqueued_at, attempts, failed_at, error)
         SELECT q.event_id, q.ts, q.user_id, COALESCE(e.payload, ''), q.enqueued_at, MAX(q.attempts + ?, 0), ?, ?
         FROM queue q LEFT JOIN events e ON e.ts = q.ts AND e.event_id = q.event_id WHERE q.seq IN (${list})
         ON CONFLICT (ts, event_id) DO UPDATE SET user_id = excluded.user_id, payload = excluded.payload,
           enqueued_at = excluded.enqueued_at, attempts = excluded.attempts, failed_at = excluded.failed_at,
           error = excluded.error`,
        [attemptsDelta, nowMs, text, ...chunk],
      ),
    );
    await trx.executeQuery(CompiledQuery.raw(`DELETE FROM queue WHERE seq IN (${list})`, chunk));
  }
}
