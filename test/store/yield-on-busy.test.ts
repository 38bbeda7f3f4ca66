import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { tempDatabaseFile } from './temp-database.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A migrated file, a Kysely connection to it, and a second raw connection that can hold the lock. */
async function twoConnections(busyTimeoutMs: number) {
  const { file, remove } = tempDatabaseFile();
  cleanups.push(remove);
  const db = openSqliteDatabase(file, { busyTimeoutMs, backgroundCheckpoint: false });
  cleanups.push(() => db.destroy());
  await migrateToLatest(db);
  const other = new BetterSqlite3(file);
  cleanups.push(() => {
    other.close();
  });
  return { db, other };
}

const profile = (userId: string) => ({ user_id: userId, profile: '{}', updated_at: 1 });

describe('a connection waiting for the write lock', () => {
  it('keeps its thread running while it waits, then writes once the lock is free', async () => {
    const { db, other } = await twoConnections(5000);
    other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 2);
    setTimeout(() => other.exec('COMMIT'), 100);
    const started = Date.now();
    await db.insertInto('user_profiles').values(profile('a')).execute();
    clearInterval(ticker);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    // A blocked thread would have run no timer until the insert returned.
    expect(ticks).toBeGreaterThan(10);
    const rows = await db.selectFrom('user_profiles').select('user_id').execute();
    expect(rows).toEqual([{ user_id: 'a' }]);
  });

  it('gives up with SQLITE_BUSY after its timeout, and its transactions wait too', async () => {
    const { db, other } = await twoConnections(150);
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    await expect(db.insertInto('user_profiles').values(profile('b')).execute()).rejects.toMatchObject({
      code: 'SQLITE_BUSY',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    setTimeout(() => other.exec('COMMIT'), 50);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('user_profiles').values(profile('c')).execute();
    });
    expect(await db.selectFrom('user_profiles').select('user_id').execute()).toEqual([{ user_id: 'c' }]);
  });
});
