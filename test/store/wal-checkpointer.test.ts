import { existsSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { openSqliteDatabase } from '../../src/store/database.js';
import { EventRepository } from '../../src/store/event-repository.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { loginEvent } from '../helpers/login-events.js';
import { tempDatabaseFile } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

/**
 * From the WAL index (`-shm`, native byte order): frames in the WAL (mxFrame, header offset 16)
 * and frames already copied into the database file (nBackfill, offset 96).
 */
function walState(file: string): { frames: number; backfilled: number } {
  const shm = readFileSync(`${file}-shm`);
  const le = endianness() === 'LE';
  const u32 = (at: number) => (le ? shm.readUInt32LE(at) : shm.readUInt32BE(at));
  return { frames: u32(16), backfilled: u32(96) };
}

async function writeSome(file: string, backgroundCheckpoint: boolean) {
  const db = openSqliteDatabase(file, { backgroundCheckpoint, checkpointIntervalMs: 20 });
  await migrateToLatest(db);
  const events = Array.from({ length: 2000 }, (_, i) => loginEvent({ eventId: `e${i}`, at: T0 + i }));
  await new EventRepository(db).insertMany(events, T0);
  return db;
}

describe('background WAL checkpoint', () => {
  it('copies committed pages into the database file from another thread', async () => {
    const { file, remove } = tempDatabaseFile();
    const db = await writeSome(file, true);
    try {
      expect(walState(file).frames).toBeGreaterThan(0);
      await vi.waitFor(
        () => {
          const { frames, backfilled } = walState(file);
          expect(backfilled).toBe(frames);
        },
        { timeout: 10_000, interval: 20 },
      );
    } finally {
      await db.destroy();
      remove();
    }
  });

  it('leaves the WAL alone when turned off (below SQLite’s own threshold)', async () => {
    const { file, remove } = tempDatabaseFile();
    const db = await writeSome(file, false);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(walState(file).backfilled).toBe(0);
    } finally {
      await db.destroy();
      remove();
    }
  });

  it('leaves no WAL behind once the database is closed, and the data reads back', async () => {
    const { file, remove } = tempDatabaseFile();
    const db = await writeSome(file, true);
    await db.destroy();
    try {
      expect(existsSync(`${file}-wal`)).toBe(false);
      const reopened = openSqliteDatabase(file);
      expect((await new EventRepository(reopened).get('e1999', T0 + 1999))?.eventId).toBe('e1999');
      await reopened.destroy();
    } finally {
      remove();
    }
  });
});
