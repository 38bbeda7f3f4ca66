import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AssessmentRepository } from '../../src/store/assessment-repository.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { openDatabaseMigratedTo } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

describe('migration 0006-assessment-reasons-once', () => {
  it('drops the duplicate reasons column; assessments written before it keep their reasons and filters', async () => {
    const db = await openDatabaseMigratedTo('0005-queue-taken');
    try {
      const reasons = [{ code: 'NEW_DEVICE', score: 0.16, message: 'First login from this device' }];
      const body = JSON.stringify({
        eventId: 'old',
        userId: 'alice',
        timestamp: new Date(T0).toISOString(),
        reasons,
      });
      await sql`insert into assessments (event_id, user_id, user_bucket, ts, action, risk_score, risk_level, reasons, reason_codes, body, created_at)
                values ('old', 'alice', 0, ${T0}, 'allow', 0.16, 'low', ${JSON.stringify(reasons)}, ',NEW_DEVICE,', ${body}, ${T0})`.execute(
        db,
      );

      expect(await migrateToLatest(db)).toEqual([
        '0006-assessment-reasons-once',
        '0007-decisions-audited-by-assessments',
        '0008-queue-refers-to-events',
        '0009-queue-keyed-by-time-and-id',
        '0010-flagged-assessments-index',
      ]);

      const columns = await sql<{ name: string }>`select name from pragma_table_info('assessments')`.execute(
        db,
      );
      expect(columns.rows.map((c) => c.name)).not.toContain('reasons');
      expect(columns.rows.map((c) => c.name)).toContain('reason_codes');
      const page = await new AssessmentRepository(db).list({ reason: 'NEW_DEVICE', limit: 10 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]?.reasons).toEqual(reasons);
    } finally {
      await db.destroy();
    }
  });
});
