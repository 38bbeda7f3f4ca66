import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { type Database, openSqliteDatabase, type SqliteOptions } from '../../src/store/database.js';
import { migrateToLatest, migrationProvider } from '../../src/store/migrations.js';

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

/**
 * A migrated database on a raw better-sqlite3 connection opened with `synchronous = level`, whose
 * every statement after the migration is shown to `onQuery` with the connection's `synchronous`
 * level at that moment (1 NORMAL, 2 FULL): what a write ran with.
 */
export async function openLevelObservedDatabase(
  level: 'FULL' | 'NORMAL',
  onQuery: (sql: string, parameters: readonly unknown[], level: number) => void,
): Promise<{ db: Kysely<Database>; raw: BetterSqlite3.Database; cleanup(): Promise<void> }> {
  const { file, remove } = tempDatabaseFile();
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${level}`);
  let migrated = false;
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: raw }),
    log: (event) => {
      if (migrated)
        onQuery(event.query.sql, event.query.parameters, Number(raw.pragma('synchronous', { simple: true })));
    },
  });
  await migrateToLatest(db);
  migrated = true;
  return {
    db,
    raw,
    cleanup: async () => {
      await db.destroy();
      remove();
    },
  };
}

/**
 * An in-memory database migrated up to and including `last`, for a migration test to write rows
 * as they were then before it runs `migrateToLatest`; `db.destroy()` closes it.
 */
export async function openDatabaseMigratedTo(last: string): Promise<Kysely<Database>> {
  const db = openSqliteDatabase(':memory:');
  const { error } = await new Migrator({ db, provider: migrationProvider() }).migrateTo(last);
  if (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
