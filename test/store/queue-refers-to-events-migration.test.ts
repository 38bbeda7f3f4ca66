import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { EventRepository } from '../../src/store/event-repository.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { userBucket } from '../../src/store/user-bucket.js';
import { loginEvent } from '../helpers/login-events.js';
import { openDatabaseMigratedTo } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

describe('migration 0008-queue-refers-to-events', () => {
  it('moves the events still queued into `events`, fails an unreadable one, and the queue hands them out in order', async () => {
    const db = await openDatabaseMigratedTo('0007-decisions-audited-by-assessments');
    try {
      // Queued as before 0008: the JSON in the queue's row. 'stored' is in `events` already (a
      // re-send of an event received before): its first copy stays.
      const q1 = loginEvent({ eventId: 'q-1', userId: 'alice', at: T0 + 1 });
      const stored = loginEvent({ eventId: 'stored', userId: 'bob', at: T0 + 2 });
      const q3 = loginEvent({ eventId: 'q-3', userId: 'alice', at: T0 + 3 });
      const rows: [string, string, string][] = [
        ['q-1', 'alice', JSON.stringify(q1)],
        ['broken', 'carol', '{"eventId":"broken"'],
        ['stored', 'bob', JSON.stringify(stored)],
        ['q-3', 'alice', JSON.stringify(q3)],
      ];
      for (const [id, user, payload] of rows) {
        await sql`insert into queue (event_id, user_id, user_bucket, payload, enqueued_at, attempts)
                  values (${id}, ${user}, ${userBucket(user)}, ${payload}, ${T0}, 1)`.execute(db);
      }
      await sql`insert into events (event_id, user_id, ts, received_at, payload)
                values ('stored', 'bob', ${T0 + 2}, ${T0 - 1000}, 'first copy')`.execute(db);

      expect(await migrateToLatest(db)).toEqual([
        '0008-queue-refers-to-events',
        '0009-queue-keyed-by-time-and-id',
        '0010-flagged-assessments-index',
      ]);

      const { rows: columns } = await sql<{
        name: string;
      }>`select name from pragma_table_info('queue')`.execute(db);
      expect(columns.map((c) => c.name)).not.toContain('payload');
      const events = new EventRepository(db);
      expect(await events.get('q-1', T0 + 1)).toEqual(q1);
      expect(await events.get('q-3', T0 + 3)).toEqual(q3);
      const { rows: kept } = await sql<{ payload: string; received_at: number }>`
        select payload, received_at from events where event_id = 'stored'`.execute(db);
      expect(kept.map((r) => [r.payload, Number(r.received_at)])).toEqual([['first copy', T0 - 1000]]);

      const queue = new SqliteQueue(db);
      const failed = await queue.listFailed(10);
      expect(failed.map((f) => [f.eventId, f.payload, f.error])).toEqual([
        ['broken', '{"eventId":"broken"', 'undecodable payload: no timestampMs in the queued JSON'],
      ]);
      // 'stored' reads its first copy, which is not a login event: it fails on take, saying so.
      const taken = await queue.take(10, 1000, T0);
      expect(taken.map((q) => [q.event.eventId, q.attempts])).toEqual([
        ['q-1', 2],
        ['q-3', 2],
      ]);
      expect((await queue.listFailed(10)).map((f) => f.eventId).sort()).toEqual(['broken', 'stored']);
    } finally {
      await db.destroy();
    }
  });
});
