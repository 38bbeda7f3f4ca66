import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/store/database.js';
import { EventRepository } from '../../src/store/event-repository.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { loginEvent } from '../helpers/login-events.js';
import { tempDatabaseFile } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

describe('openSqliteDatabase', () => {
  it('opens in WAL mode with foreign keys and synchronous=FULL by default', async () => {
    const { file, remove } = tempDatabaseFile();
    const db = openSqliteDatabase(file);
    try {
      const pragma = async (name: string) =>
        Object.values(
          (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0] ?? {},
        )[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2);
      expect(await pragma('foreign_keys')).toBe(1);
      // SQLite's own busy wait would block the thread: yieldOnBusy waits instead (its own test).
      expect(await pragma('busy_timeout')).toBe(0);
      expect(await pragma('cache_size')).toBe(-64 * 1024);
    } finally {
      await db.destroy();
      remove();
    }
  });

  it('takes synchronous=normal when asked', async () => {
    const { file, remove } = tempDatabaseFile();
    const db = openSqliteDatabase(file, { synchronous: 'normal' });
    try {
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
      expect(rows[0]?.synchronous).toBe(1);
    } finally {
      await db.destroy();
      remove();
    }
  });

  it('refuses an unknown synchronous mode', () => {
    expect(() => openSqliteDatabase(':memory:', { synchronous: 'off' as 'full' })).toThrow(/synchronous/);
  });
});

describe('migrateToLatest', () => {
  it('creates the schema once; reopening the file migrates nothing and keeps the data', async () => {
    const { file, remove } = tempDatabaseFile();
    try {
      const first = openSqliteDatabase(file);
      expect(await migrateToLatest(first)).toEqual([
        '0001-initial',
        '0002-alerts',
        '0003-queue-leased-index',
        '0004-user-buckets',
        '0005-queue-taken',
        '0006-assessment-reasons-once',
        '0007-decisions-audited-by-assessments',
        '0008-queue-refers-to-events',
        '0009-queue-keyed-by-time-and-id',
        '0010-flagged-assessments-index',
      ]);
      expect(await migrateToLatest(first)).toEqual([]);
      await new EventRepository(first).insertMany([loginEvent({ eventId: 'kept', at: T0 })], T0);
      await first.destroy();

      const second = openSqliteDatabase(file);
      expect(await migrateToLatest(second)).toEqual([]);
      expect((await new EventRepository(second).get('kept'))?.eventId).toBe('kept');
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
        second,
      );
      expect(tables.rows.map((r) => r.name)).toEqual(
        expect.arrayContaining([
          'events',
          'assessments',
          'alerts',
          'audit_log',
          'user_profiles',
          'lockouts',
          'api_keys',
          'models',
          'queue',
          'queue_failed',
        ]),
      );
      await second.destroy();
    } finally {
      remove();
    }
  });

  it('names the migration that failed, and rolls it back', async () => {
    const db = openSqliteDatabase(':memory:');
    try {
      // A table squatting on the name of an index of the initial migration.
      await sql`create table assessments_user_ts_id (x integer)`.execute(db);
      await expect(migrateToLatest(db)).rejects.toThrow(
        /^database migration 0001-initial failed: .*assessments_user_ts_id/,
      );
      const tables = await sql<{
        name: string;
      }>`select name from sqlite_master where name = 'events'`.execute(db);
      expect(tables.rows).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a database written by a newer version', async () => {
    const db = openSqliteDatabase(':memory:');
    try {
      await migrateToLatest(db);
      await sql`insert into kysely_migration (name, timestamp) values ('9999-future', '2030-01-01')`.execute(
        db,
      );
      await expect(migrateToLatest(db)).rejects.toThrow(/^database migration .* failed: .*9999-future/);
    } finally {
      await db.destroy();
    }
  });
});
