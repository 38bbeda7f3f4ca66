import type { Kysely, Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect-name.js';

/**
 * Drops `assessments.reasons`: the reasons' JSON was stored twice, in that column and in `body`
 * (the assessment as answered, which every read decodes), and the column was never read. The
 * reason filter reads `reason_codes`. About 80 bytes less per assessment, written with every event.
 * SQLite rewrites the table to drop a column: a start after upgrading a large file takes a while once.
 */
export function assessmentReasonsOnceMigration(_dialect: SqlDialectName): Migration {
  return {
    up: async (db: Kysely<unknown>) => {
      await db.schema.alterTable('assessments').dropColumn('reasons').execute();
    },
  };
}
