import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { AssessmentRepository } from '../../src/store/assessment-repository.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { userBucket } from '../../src/store/user-bucket.js';
import { loginEvent } from '../helpers/login-events.js';
import { openDatabaseMigratedTo } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

describe('migration 0004-user-buckets', () => {
  it('fills the bucket of rows written before it, swaps the per-user indexes, and keeps the rows findable', async () => {
    const db = await openDatabaseMigratedTo('0003-queue-leased-index');
    try {
      // Rows as the 0001 schema had them: no user_bucket column yet.
      const users = ['alice', 'bob', 'sybil', 'trent', 'walter'];
      for (const [i, user] of users.entries()) {
        const body = JSON.stringify({
          eventId: `a-${user}`,
          userId: user,
          timestamp: new Date(T0 + i).toISOString(),
        });
        await sql`insert into assessments (event_id, user_id, ts, action, risk_score, risk_level, reasons, reason_codes, body, created_at)
                  values (${`a-${user}`}, ${user}, ${T0 + i}, 'allow', 0, 'low', '[]', ',', ${body}, ${T0})`.execute(
          db,
        );
        const payload = JSON.stringify(loginEvent({ eventId: `q-${user}`, userId: user, at: T0 + i }));
        await sql`insert into queue (event_id, user_id, payload, enqueued_at) values (${`q-${user}`}, ${user}, ${payload}, ${T0})`.execute(
          db,
        );
      }

      expect(await migrateToLatest(db)).toEqual([
        '0004-user-buckets',
        '0005-queue-taken',
        '0006-assessment-reasons-once',
        '0007-decisions-audited-by-assessments',
        '0008-queue-refers-to-events',
        '0009-queue-keyed-by-time-and-id',
        '0010-flagged-assessments-index',
      ]);

      for (const table of ['assessments', 'queue']) {
        const { rows } = await sql<{ user_id: string; user_bucket: number }>`
          select user_id, user_bucket from ${sql.table(table)} order by user_id`.execute(db);
        expect(rows).toEqual(users.map((u) => ({ user_id: u, user_bucket: userBucket(u) })));
      }
      const { rows: indexes } = await sql<{ name: string }>`
        select name from sqlite_master where type = 'index' and tbl_name in ('assessments', 'queue') order by name`.execute(
        db,
      );
      const names = indexes.map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(['assessments_bucket_ts_id', 'queue_bucket_seq']));
      expect(names).not.toContain('assessments_user_ts_id');
      expect(names).not.toContain('queue_user_seq');

      const assessments = new AssessmentRepository(db);
      expect((await assessments.list({ userId: 'sybil', limit: 10 })).items.map((a) => a.eventId)).toEqual([
        'a-sybil',
      ]);
      const queue = new SqliteQueue(db);
      expect(await queue.hasReady('walter', T0)).toBe(true);
      expect((await queue.takeUser('bob', 1000, T0)).map((q) => q.event.eventId)).toEqual(['q-bob']);

      const plan = await sql<{ detail: string }>`explain query plan
        select body from assessments where user_bucket = 20 and user_id = 'bob' order by ts desc, event_id desc limit 21`.execute(
        db,
      );
      expect(plan.rows.map((r) => r.detail).join('; ')).toMatch(/INDEX assessments_bucket_ts_id/);
    } finally {
      await db.destroy();
    }
  });
});
