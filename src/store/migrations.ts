import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from './database.js';
import { initialMigration } from './migrations/0001-initial.js';
import { alertsMigration } from './migrations/0002-alerts.js';
import { queueLeasedIndexMigration } from './migrations/0003-queue-leased-index.js';
import { userBucketsMigration } from './migrations/0004-user-buckets.js';
import { queueTakenMigration } from './migrations/0005-queue-taken.js';
import { assessmentReasonsOnceMigration } from './migrations/0006-assessment-reasons-once.js';
import { decisionsAuditedByAssessmentsMigration } from './migrations/0007-decisions-audited-by-assessments.js';
import { queueRefersToEventsMigration } from './migrations/0008-queue-refers-to-events.js';
import { queueKeyedByTimeAndIdMigration } from './migrations/0009-queue-keyed-by-time-and-id.js';
import { flaggedAssessmentsIndexMigration } from './migrations/0010-flagged-assessments-index.js';
import type { SqlDialectName } from './sql-dialect-name.js';

/**
 * Every migration, in order, written in code: a compiled `dist/` has no migration folder to glob,
 * and a bundle may have none either. Names sort in the order they must run. Never edit or rename
 * one that has shipped; add the next one.
 */
export function migrationProvider(dialect: SqlDialectName = 'sqlite'): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initialMigration(dialect),
    '0002-alerts': alertsMigration(dialect),
    '0003-queue-leased-index': queueLeasedIndexMigration(dialect),
    '0004-user-buckets': userBucketsMigration(dialect),
    '0005-queue-taken': queueTakenMigration(dialect),
    '0006-assessment-reasons-once': assessmentReasonsOnceMigration(dialect),
    '0007-decisions-audited-by-assessments': decisionsAuditedByAssessmentsMigration(dialect),
    '0008-queue-refers-to-events': queueRefersToEventsMigration(dialect),
    '0009-queue-keyed-by-time-and-id': queueKeyedByTimeAndIdMigration(dialect),
    '0010-flagged-assessments-index': flaggedAssessmentsIndexMigration(dialect),
  };
  return { getMigrations: async () => migrations };
}

/**
 * Brings the schema to the latest version; a no-op when it is there already (safe on every
 * start). Returns the names of the migrations it applied.
 *
 * @throws Error naming the migration that failed, with the database error as `cause`; the failed
 * migration is rolled back (each runs in a transaction).
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  options: { dialect?: SqlDialectName } = {},
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(options.dialect) });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration ran)';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed} failed: ${reason}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
