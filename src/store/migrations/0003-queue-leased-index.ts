import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from '../sql-dialect-name.js';

/**
 * An index of the leased queue rows only (partial: a waiting row has no lease, so enqueueing does
 * not touch it). The queue's depth is polled several times a second for backpressure and the
 * gauges; counting the leased rows by scanning the table read every payload, 20–26 ms per poll on
 * the main thread with 100,000 events waiting (bench/service-load.mjs). With this index the
 * count reads a few hundred index entries, and the total comes from the smallest index.
 */
export function queueLeasedIndexMigration(_dialect: SqlDialectName): Migration {
  return {
    up: async (db: Kysely<unknown>) => {
      await db.schema
        .createIndex('queue_leased')
        .ifNotExists()
        .on('queue')
        .column('leased_until')
        .where(sql.ref('leased_until'), 'is not', null)
        .execute();
    },
  };
}
