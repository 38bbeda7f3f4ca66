import type { Kysely, Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect-name.js';

/**
 * Decisions are audited by their assessment row instead of a row of their own in `audit_log`
 * (src/store/audit-repository.ts merges both into the audit log it lists). The assessment already
 * said who was decided on, what, when and why; the copy in `audit_log` was ~220 bytes and four
 * B-tree inserts per scored event (docs/BENCHMARKS.md, session 22). This adds the index that lists
 * decisions in the audit log's order: by the time they were stored, then (a batch is stored in one
 * millisecond) by the login's own time and event id. It is appended to (`created_at` only grows),
 * so it costs a fraction of what the copy did.
 *
 * The `decision.*` rows written before this stay in `audit_log` (the app never deletes from it);
 * the audit log lists decisions from the assessments alone, so they are not shown twice.
 */
export function decisionsAuditedByAssessmentsMigration(_dialect: SqlDialectName): Migration {
  return {
    up: async (db: Kysely<unknown>) => {
      await db.schema
        .createIndex('assessments_created_ts_event')
        .ifNotExists()
        .on('assessments')
        .columns(['created_at', 'ts', 'event_id'])
        .execute();
    },
  };
}
