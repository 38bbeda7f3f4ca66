import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { userBucket } from '../../src/store/user-bucket.js';
import { loginEvent } from '../helpers/login-events.js';
import { openDatabaseMigratedTo } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

describe('migration 0009-queue-keyed-by-time-and-id', () => {
  it('rebuilds the queue keyed by (ts, event_id), keeping its rows, positions and counter, and keys the failed list by time', async () => {
    const db = await openDatabaseMigratedTo('0008-queue-refers-to-events');
    try {
      // Queued as after 0008: the key in the queue, the JSON in `events`. The third was acked, so
      // the AUTOINCREMENT counter (3) is past the highest row left (2).
      const queued = [1, 2, 3].map((i) =>
        loginEvent({ eventId: `q-${i}`, userId: i === 2 ? 'bob' : 'alice', at: T0 + i }),
      );
      for (const [i, e] of queued.entries()) {
        await sql`insert into events (event_id, user_id, ts, received_at, payload)
                  values (${e.eventId}, ${e.userId}, ${e.timestampMs}, ${T0}, ${JSON.stringify(e)})`.execute(
          db,
        );
        await sql`insert into queue (event_id, user_id, user_bucket, ts, enqueued_at, attempts, leased_until)
                  values (${e.eventId}, ${e.userId}, ${userBucket(e.userId)}, ${e.timestampMs}, ${T0}, ${i},
                          ${i === 1 ? T0 + 60_000 : null})`.execute(db);
      }
      await sql`delete from queue where event_id = 'q-3'`.execute(db);
      const poison = loginEvent({ eventId: 'poison', at: T0 + 9 });
      await sql`insert into queue_failed (event_id, user_id, payload, enqueued_at, attempts, failed_at, error)
                values ('poison', 'carol', ${JSON.stringify(poison)}, ${T0}, 5, ${T0 + 10}, 'too many attempts'),
                       ('gone', 'dave', '', ${T0}, 1, ${T0 + 20}, 'no longer stored')`.execute(db);

      expect(await migrateToLatest(db)).toEqual([
        '0009-queue-keyed-by-time-and-id',
        '0010-flagged-assessments-index',
      ]);

      const { rows } = await sql<{
        seq: number;
        event_id: string;
        ts: number;
        attempts: number;
        leased_until: number | null;
      }>`select seq, event_id, ts, attempts, leased_until from queue order by seq`.execute(db);
      expect(rows.map((r) => [r.seq, r.event_id, r.ts, r.attempts, r.leased_until])).toEqual([
        [1, 'q-1', T0 + 1, 0, null],
        [2, 'q-2', T0 + 2, 1, T0 + 60_000],
      ]);
      const { rows: indexes } = await sql<{ name: string; unique: number }>`
        select name, "unique" from pragma_index_list('queue') order by name`.execute(db);
      // No index leads with the event id any more (the UNIQUE constraint's autoindex is gone).
      expect(indexes.map((i) => [i.name, i.unique])).toEqual([
        ['queue_bucket_seq', 0],
        ['queue_leased', 0],
        ['queue_ts_event', 1],
      ]);

      const queue = new SqliteQueue(db);
      // The counter was kept: a new event gets a position never used before.
      const later = { ...queued[0], timestampMs: T0 + 100 } as (typeof queued)[number];
      expect(await queue.enqueue([later], T0 + 100)).toEqual({ accepted: ['q-1'], duplicates: [] });
      const taken = await queue.take(10, 1000, T0 + 60_000);
      expect(taken.map((q) => [q.seq, q.event.eventId, q.event.timestampMs, q.attempts])).toEqual([
        [1, 'q-1', T0 + 1, 1],
        [2, 'q-2', T0 + 2, 2],
        [4, 'q-1', T0 + 100, 1],
      ]);

      const failed = await queue.listFailed(10);
      expect(failed.map((f) => [f.eventId, f.timestampMs, f.error])).toEqual([
        ['gone', 0, 'no longer stored'],
        ['poison', T0 + 9, 'too many attempts'],
      ]);
      const { rows: failedIndexes } = await sql<{ name: string }>`
        select name from pragma_index_list('queue_failed') order by name`.execute(db);
      expect(failedIndexes.map((i) => i.name)).toEqual([
        'queue_failed_failed_at',
        'sqlite_autoindex_queue_failed_1',
      ]);
    } finally {
      await db.destroy();
    }
  });
});
