import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from '../sql-dialect-name.js';

/**
 * The index by action holds the challenged and denied assessments only (partial), where it held
 * every one: nearly every login is allowed, so the worker no longer inserts into it for 98% of
 * the events it scores, and the index is a fiftieth of its size. It serves the lists filtered by a
 * rare action (the API's `action=deny`, the audit log's `decision.challenge`); a list of allowed
 * logins walks the time order and finds one at almost every row. A query uses it only when it
 * says `action <> 'allow'` itself (SQLite matches a partial index by the terms of the query, see
 * `flaggedOnly` in assessment-repository.ts).
 */
export function flaggedAssessmentsIndexMigration(_dialect: SqlDialectName): Migration {
  return {
    up: async (db: Kysely<unknown>) => {
      await db.schema
        .createIndex('assessments_flagged_ts_id')
        .ifNotExists()
        .on('assessments')
        .columns(['action', 'ts', 'event_id'])
        .where(sql.ref('action'), '<>', 'allow')
        .execute();
      await db.schema.dropIndex('assessments_action_ts_id').ifExists().execute();
    },
  };
}
