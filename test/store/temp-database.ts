import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { type Database, openSqliteDatabase, type SqliteOptions } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';

/** A fresh database file name under the OS temp folder, and a way to delete it (WAL files too). */
export function tempDatabaseFile(): { file: string; remove(): void } {
  const file = join(tmpdir(), `loginguard-test-${randomUUID()}.db`);
  return {
    file,
    remove: () => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
    },
  };
}

/** A migrated database on a fresh temp file; `cleanup` closes and deletes it. */
export async function openTestDatabase(
  options: SqliteOptions = {},
): Promise<{ db: Kysely<Database>; file: string; cleanup(): Promise<void> }> {
  const { file, remove } = tempDatabaseFile();
  const db = openSqliteDatabase(file, options);
  await migrateToLatest(db);
  return {
    db,
    file,
    cleanup: async () => {
      await db.destroy();
      remove();
    },
  };
}
