import type { Kysely, Migration } from 'kysely';
import { chunked } from '../chunked.js';
import type { SqlDialectName } from '../sql-dialect-name.js';
import { eventTimeOfJson } from './event-time-of-json.js';

/**
 * The queue refers to the event's row in `events` (by its key, `ts` and `event_id`) instead of
 * holding the event's JSON itself: the API stores an event in `events` when it accepts it, in the
 * enqueue's transaction, and the worker no longer writes it there again. Each event's JSON (~650
 * bytes) used to be written twice (queue, then events) and deleted once (the ack rewrote every
 * queue page it freed); now it is written once (docs/BENCHMARKS.md, session 23).
 *
 * The events still queued when this runs get their `events` row here (an event already there is
 * left as it is: the first copy wins, as everywhere else), and their key in the new `ts` column.
 * One whose JSON cannot be read goes to the failed list, as a take would have sent it. Then the
 * queue's `payload` column is dropped (SQLite rewrites the table: the queue is normally short).
 *
 * Portable: schema builder and plain statements; the event's time is read from its JSON here in
 * JavaScript (the two databases read JSON differently).
 */
export function queueRefersToEventsMigration(_dialect: SqlDialectName): Migration {
  return {
    up: (db: Kysely<unknown>) => (db.isTransaction ? refer(db) : db.transaction().execute(refer)),
  };
}

/** The tables as they are when this runs (untyped on purpose: not the current Database type). */
interface Before {
  queue: {
    seq: number;
    event_id: string;
    user_id: string;
    payload: string;
    enqueued_at: number;
    attempts: number;
    ts: number;
  };
  events: { event_id: string; user_id: string; ts: number; received_at: number; payload: string };
  queue_failed: {
    event_id: string;
    user_id: string;
    payload: string;
    enqueued_at: number;
    attempts: number;
    failed_at: number;
    error: string;
  };
}

async function refer(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Before>;
  await db.schema
    .alterTable('queue')
    .addColumn('ts', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  const rows = await db
    .selectFrom('queue')
    .select(['event_id', 'user_id', 'payload', 'enqueued_at', 'attempts'])
    .orderBy('seq')
    .execute();
  const now = Date.now();
  for (const chunk of chunked(rows, 5)) {
    const events: Before['events'][] = [];
    for (const row of chunk) {
      const ts = eventTimeOfJson(row.payload);
      if (ts === undefined) {
        await db
          .insertInto('queue_failed')
          .values({
            event_id: row.event_id,
            user_id: row.user_id,
            payload: row.payload,
            enqueued_at: Number(row.enqueued_at),
            attempts: Number(row.attempts),
            failed_at: now,
            error: 'undecodable payload: no timestampMs in the queued JSON',
          })
          .onConflict((oc) => oc.column('event_id').doNothing())
          .execute();
        await db.deleteFrom('queue').where('event_id', '=', row.event_id).execute();
        continue;
      }
      await db.updateTable('queue').set({ ts }).where('event_id', '=', row.event_id).execute();
      events.push({
        event_id: row.event_id,
        user_id: row.user_id,
        ts,
        received_at: Number(row.enqueued_at),
        payload: row.payload,
      });
    }
    if (events.length > 0) {
      await db
        .insertInto('events')
        .values(events)
        .onConflict((oc) => oc.columns(['ts', 'event_id']).doNothing())
        .execute();
    }
  }
  await db.schema.alterTable('queue').dropColumn('payload').execute();
}
