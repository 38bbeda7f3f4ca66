import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from 'kysely';
import { chunked } from '../chunked.js';
import type { SqlDialectName } from '../sql-dialect-name.js';
import { eventTimeOfJson } from './event-time-of-json.js';

/**
 * The queue's duplicates are caught by the event's key (`ts`, `event_id`), as in `events` and
 * `assessments`, instead of by `event_id` alone, and the failed list is keyed the same way. Event
 * ids from identity providers are random (UUIDs): the queue's `UNIQUE (event_id)` index took every
 * enqueue and every ack to a random page of it, each written whole to the WAL; with 100,000 events
 * waiting, 746 WAL pages per 1,000 events enqueued instead of 113 (bench/queue-id-index.mjs,
 * docs/BENCHMARKS.md sessions 24–25). Keyed by time, inserts append. The same id with another time
 * is another event (the stores already took it as one once the first was scored).
 *
 * SQLite cannot drop a column's UNIQUE constraint: the queue is rebuilt (create, copy, drop,
 * rename) with its indexes, keeping each row's `seq` and the AUTOINCREMENT counter, so queue
 * positions are never reused (`queue_taken` holds one). PostgreSQL drops the constraint. The
 * failed list is rebuilt on both with a `ts` column (read from each failed event's JSON here, in
 * JavaScript; 0 when it cannot be read) and the primary key (`ts`, `event_id`). One transaction.
 */
export function queueKeyedByTimeAndIdMigration(dialect: SqlDialectName): Migration {
  const rekey = (db: Kysely<unknown>) => rekeyQueue(db, dialect).then(() => rekeyFailed(db));
  return {
    up: (db: Kysely<unknown>) => (db.isTransaction ? rekey(db) : db.transaction().execute(rekey)),
  };
}

/** The failed list as it is when this runs (untyped on purpose: not the current Database type). */
interface FailedBefore {
  event_id: string;
  user_id: string;
  payload: string;
  enqueued_at: number;
  attempts: number;
  failed_at: number;
  error: string;
}

async function rekeyQueue(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  if (dialect === 'postgres') {
    // The name PostgreSQL gives a column's UNIQUE constraint.
    await sql`ALTER TABLE queue DROP CONSTRAINT IF EXISTS queue_event_id_key`.execute(db);
  } else {
    const counter = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = 'queue'`.execute(
      db,
    );
    await sql`CREATE TABLE queue_rekeyed (
      seq integer PRIMARY KEY AUTOINCREMENT, event_id text NOT NULL, user_id text NOT NULL,
      user_bucket integer DEFAULT 0 NOT NULL, ts bigint NOT NULL, enqueued_at bigint NOT NULL,
      attempts integer DEFAULT 0 NOT NULL, leased_until bigint)`.execute(db);
    await sql`INSERT INTO queue_rekeyed (seq, event_id, user_id, user_bucket, ts, enqueued_at, attempts, leased_until)
      SELECT seq, event_id, user_id, user_bucket, ts, enqueued_at, attempts, leased_until FROM queue`.execute(
      db,
    );
    await sql`DROP TABLE queue`.execute(db);
    await sql`ALTER TABLE queue_rekeyed RENAME TO queue`.execute(db);
    // The copy set the counter to the highest seq copied (none when the queue was empty): put back
    // the one the old table had reached.
    const reached = Number(counter.rows[0]?.seq ?? 0);
    await sql`DELETE FROM sqlite_sequence WHERE name = 'queue'`.execute(db);
    await sql`INSERT INTO sqlite_sequence (name, seq) VALUES ('queue', ${reached})`.execute(db);
    // The indexes of migrations 0003 and 0004, dropped with the old table.
    await db.schema
      .createIndex('queue_leased')
      .on('queue')
      .column('leased_until')
      .where(sql.ref('leased_until'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('queue_bucket_seq')
      .on('queue')
      .columns(['user_bucket', 'seq', 'user_id'])
      .execute();
  }
  await db.schema.createIndex('queue_ts_event').unique().on('queue').columns(['ts', 'event_id']).execute();
}

async function rekeyFailed(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<{
    queue_failed: FailedBefore;
    queue_failed_rekeyed: FailedBefore & { ts: number };
  }>;
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
  await db.schema
    .createTable('queue_failed_rekeyed')
    .addColumn('event_id', 'text', notNull)
    .addColumn('ts', 'bigint', notNull)
    .addColumn('user_id', 'text', notNull)
    .addColumn('payload', 'text', notNull)
    .addColumn('enqueued_at', 'bigint', notNull)
    .addColumn('attempts', 'integer', notNull)
    .addColumn('failed_at', 'bigint', notNull)
    .addColumn('error', 'text', notNull)
    .addPrimaryKeyConstraint('queue_failed_pk', ['ts', 'event_id'])
    .execute();
  const rows = await db.selectFrom('queue_failed').selectAll().execute();
  for (const chunk of chunked(rows, 8)) {
    await db
      .insertInto('queue_failed_rekeyed')
      .values(chunk.map((row) => ({ ...row, ts: eventTimeOfJson(row.payload) ?? 0 })))
      .execute();
  }
  await db.schema.dropTable('queue_failed').execute();
  await db.schema.alterTable('queue_failed_rekeyed').renameTo('queue_failed').execute();
  await db.schema.createIndex('queue_failed_failed_at').on('queue_failed').column('failed_at').execute();
}
