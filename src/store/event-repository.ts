import { type Insertable, type Kysely, sql } from 'kysely';
import type { LoginEvent } from '../event/login-event.js';
import { chunked } from './chunked.js';
import type { Database } from './database.js';
import { type EventKey, keyIn } from './event-key.js';
import { inTransaction } from './in-transaction.js';
import { decodeEventRow, encodeEventPayload } from './login-event-json.js';
import { ReusedInsert } from './reused-insert.js';

/** An `events` row as written. */
export type EventRow = Insertable<Database['events']>;

const INSERT_EVENTS = new ReusedInsert<EventRow>(
  ['event_id', 'user_id', 'ts', 'received_at', 'payload'],
  (db, rows) =>
    db
      .insertInto('events')
      .values(rows)
      .onConflict((oc) => oc.columns(['ts', 'event_id']).doNothing()),
);

/** Rows one retention pass deletes per statement: short write locks, so ingest never stalls. */
const DELETE_BATCH = 5000;

/** The columns an event is read back from ({@link decodeEventRow}). */
const STORED = ['event_id', 'user_id', 'ts', 'payload'] as const;

/**
 * The events table: every validated login as received. Events carry IP addresses and
 * locations, personal data: {@link EventRepository.deleteOlderThan} enforces the retention period.
 */
export class EventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The rows of `events`, encoded. Pure: a writer that shares the database's one write lock
   * encodes before it begins its transaction (see {@link GroupCommit}), not while holding it.
   */
  static rowsOf(events: readonly LoginEvent[], receivedAt: number): EventRow[] {
    return events.map((e) => ({
      event_id: e.eventId,
      user_id: e.userId,
      ts: e.timestampMs,
      received_at: receivedAt,
      payload: encodeEventPayload(e),
    }));
  }

  /**
   * Stores events in one transaction; an event already stored (same eventId and timestamp) is
   * skipped, the first copy wins. Returns how many were new.
   */
  insertMany(events: readonly LoginEvent[], receivedAt: number): Promise<number> {
    return this.insertRows(EventRepository.rowsOf(events, receivedAt));
  }

  /** {@link insertMany} for rows from {@link EventRepository.rowsOf}. */
  async insertRows(rows: readonly EventRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return inTransaction(this.db, async (trx) => {
      let inserted = 0;
      for (const chunk of chunked(rows, 5)) inserted += await INSERT_EVENTS.execute(trx, chunk);
      return inserted;
    });
  }

  /**
   * One stored event. With its timestamp this is one index lookup. Without, the key index is
   * read newest first (no index on the id alone, see {@link EventKey}): cheap for recent events,
   * a full read of the index for a miss. Pass the time when it is known.
   */
  async get(eventId: string, timestampMs?: number): Promise<LoginEvent | undefined> {
    let q = this.db.selectFrom('events').select(STORED).where('event_id', '=', eventId);
    if (timestampMs !== undefined) q = q.where('ts', '=', timestampMs);
    // Without the time: walk the (ts, event_id) key from the newest row, which reads the id from
    // the index alone; recent events (what a client asks about) are found at once.
    const row = await q.orderBy('ts', 'desc').limit(1).executeTakeFirst();
    return row === undefined ? undefined : decodeEventRow(row, row.payload);
  }

  /**
   * Stored events by key, in one statement per few hundred keys (alerting reads a batch's events
   * this way rather than one query each). Keys not stored are absent from the map.
   */
  async getMany(keys: readonly EventKey[]): Promise<Map<string, LoginEvent>> {
    const found = new Map<string, LoginEvent>();
    for (const chunk of chunked(keys, 2)) {
      const rows = await this.db.selectFrom('events').select(STORED).where(keyIn(chunk)).execute();
      for (const row of rows) found.set(row.event_id, decodeEventRow(row, row.payload));
    }
    return found;
  }

  /**
   * Every stored event, oldest first (event time, then id), a page at a time: a history to train
   * on. Each page is its own query after the last key read, so no read transaction stays open
   * while the caller works on a page (writers keep the file; the WAL does not grow behind it).
   */
  async *inTimeOrder(pageSize = 5000): AsyncGenerator<LoginEvent[]> {
    let after: { ts: number; id: string } | undefined;
    for (;;) {
      let q = this.db.selectFrom('events').select(STORED);
      if (after) {
        const { ts, id } = after;
        // ts >= t narrows the key range; the OR drops the rows of that millisecond already read.
        q = q.where(sql<boolean>`ts >= ${ts} and (ts > ${ts} or event_id > ${id})`);
      }
      const rows = await q.orderBy('ts').orderBy('event_id').limit(pageSize).execute();
      if (rows.length === 0) return;
      const last = rows[rows.length - 1] as (typeof rows)[number];
      after = { ts: Number(last.ts), id: last.event_id };
      yield rows.map((r) => decodeEventRow(r, r.payload));
      if (rows.length < pageSize) return;
    }
  }

  /**
   * Retention: deletes the events whose own timestamp is before `tsMs`, a few thousand rows per
   * statement so that the queue and the worker get the write lock in between. Returns the count.
   */
  async deleteOlderThan(tsMs: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      // The time below which DELETE_BATCH rows lie (more when they share a millisecond).
      const nth = await this.db
        .selectFrom('events')
        .select('ts')
        .where('ts', '<', tsMs)
        .orderBy('ts')
        .limit(1)
        .offset(DELETE_BATCH - 1)
        .executeTakeFirst();
      const bound = nth === undefined ? tsMs : Math.min(Number(nth.ts) + 1, tsMs);
      const result = await this.db.deleteFrom('events').where('ts', '<', bound).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
      if (nth === undefined) return deleted;
    }
  }
}
