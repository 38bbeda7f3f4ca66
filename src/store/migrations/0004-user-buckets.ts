import type { Kysely, Migration } from 'kysely';
import { chunked } from '../chunked.js';
import type { SqlDialectName } from '../sql-dialect-name.js';
import { USER_BUCKETS, userBucket } from '../user-bucket.js';

/** The tables whose per-user index this migration replaces, with the new index and the old one. */
const TABLES = [
  {
    table: 'assessments',
    drop: 'assessments_user_ts_id',
    create: 'assessments_bucket_ts_id',
    columns: ['user_bucket', 'ts', 'event_id', 'user_id'],
  },
  {
    table: 'queue',
    drop: 'queue_user_seq',
    create: 'queue_bucket_seq',
    columns: ['user_bucket', 'seq', 'user_id'],
  },
] as const;

/**
 * Per-user indexes led by a bucket of the user (src/store/user-bucket.ts) instead of the user id,
 * so that new rows append to 64 runs instead of landing at a random place: a `user_bucket` column
 * on `assessments` and `queue`, filled for the rows already there, an index (bucket, time or queue
 * order, …, user id) and the old (user id, …) index dropped. The user id is the index's last
 * column so that walking a bucket for one user reads the index alone.
 *
 * Portable: schema builder and plain UPDATEs; the bucket of existing rows is computed here in
 * JavaScript (neither database has FNV-1a), one UPDATE per bucket's users, found through the old
 * index before it goes. Safe to run again after a crash before the migrator recorded it: the
 * column is added only when missing and the indexes use `ifNotExists` / `ifExists`.
 */
export function userBucketsMigration(_dialect: SqlDialectName): Migration {
  return {
    up: (db: Kysely<unknown>) => (db.isTransaction ? addBuckets(db) : db.transaction().execute(addBuckets)),
  };
}

async function addBuckets(db: Kysely<unknown>): Promise<void> {
  const tables = await db.introspection.getTables();
  // Untyped on purpose: a migration sees the schema as it was, not the current Database type.
  const untyped = db as Kysely<Record<string, { user_id: string; user_bucket: number }>>;
  for (const { table, drop, create, columns } of TABLES) {
    const hasColumn = tables.find((t) => t.name === table)?.columns.some((c) => c.name === 'user_bucket');
    if (!hasColumn) {
      await db.schema
        .alterTable(table)
        .addColumn('user_bucket', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    }
    const users = await untyped.selectFrom(table).select('user_id').distinct().execute();
    const byBucket: string[][] = Array.from({ length: USER_BUCKETS }, () => []);
    for (const { user_id } of users) byBucket[userBucket(user_id)]?.push(user_id);
    for (const [bucket, ids] of byBucket.entries()) {
      // Bucket 0 is the column's default: nothing to write.
      if (bucket === 0) continue;
      for (const chunk of chunked(ids, 1)) {
        await untyped.updateTable(table).set({ user_bucket: bucket }).where('user_id', 'in', chunk).execute();
      }
    }
    await db.schema
      .createIndex(create)
      .ifNotExists()
      .on(table)
      .columns([...columns])
      .execute();
    await db.schema.dropIndex(drop).ifExists().execute();
  }
}
