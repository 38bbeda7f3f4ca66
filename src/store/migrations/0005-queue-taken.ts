import type { Kysely, Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect-name.js';

/**
 * The high-water mark of a single-consumer queue (`SqliteQueue` with `singleConsumer`): the
 * highest `seq` its consumer has taken since the process started. Its leases are kept in memory,
 * not written to each taken row, so after a crash this mark is what tells which waiting events
 * were delivered once already (their attempt is counted at the next start). One row, id 1.
 */
export function queueTakenMigration(_dialect: SqlDialectName): Migration {
  return {
    up: async (db: Kysely<unknown>) => {
      await db.schema
        .createTable('queue_taken')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('through_seq', 'bigint', (c) => c.notNull())
        .execute();
      await (db as Kysely<{ queue_taken: { id: number; through_seq: number } }>)
        .insertInto('queue_taken')
        .values({ id: 1, through_seq: 0 })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
  };
}
