import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AssessmentRepository } from '../../src/store/assessment-repository.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { assessment } from '../helpers/assessments.js';
import { openDatabaseMigratedTo } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

describe('migration 0010-flagged-assessments-index', () => {
  it('replaces the index of every assessment by action with one of the challenged and denied only', async () => {
    const db = await openDatabaseMigratedTo('0009-queue-keyed-by-time-and-id');
    try {
      const actions = ['allow', 'deny', 'allow', 'challenge', 'allow'] as const;
      await new AssessmentRepository(db).insertMany(
        actions.map((action, i) => assessment(`e${i}`, T0 + i, { action })),
        T0,
      );

      expect(await migrateToLatest(db)).toEqual(['0010-flagged-assessments-index']);

      const { rows: indexes } = await sql<{ name: string; sql: string }>`
        select name, sql from sqlite_master where type = 'index' and tbl_name = 'assessments'`.execute(db);
      const names = indexes.map((i) => i.name);
      expect(names).not.toContain('assessments_action_ts_id');
      expect(indexes.find((i) => i.name === 'assessments_flagged_ts_id')?.sql).toMatch(
        /where "action" <> 'allow'/i,
      );
      const { rows } = await sql<{ event_id: string }>`
        select event_id from assessments indexed by assessments_flagged_ts_id
        where action <> 'allow' order by action, ts`.execute(db);
      expect(rows.map((r) => r.event_id)).toEqual(['e3', 'e1']);
    } finally {
      await db.destroy();
    }
  });
});
