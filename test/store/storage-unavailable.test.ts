import { describe, expect, it } from 'vitest';
import { isStorageUnavailable, StorageUnavailableError } from '../../src/store/storage-unavailable.js';
import { StaleWriteError } from '../../src/worker/group-commit.js';

/** An error as better-sqlite3 throws it: its SQLite result code in `code`. */
function sqliteError(code: string): Error {
  return Object.assign(new Error(`sqlite says ${code}`), { code });
}

describe('isStorageUnavailable', () => {
  it('is true for a busy, full or failing database, extended codes included', () => {
    for (const code of [
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_FULL',
      'SQLITE_IOERR_WRITE',
      'SQLITE_LOCKED',
    ]) {
      expect(isStorageUnavailable(sqliteError(code)), code).toBe(true);
    }
  });

  it('is false for a bug: a constraint, a syntax error, anything without an SQLite code', () => {
    for (const code of ['SQLITE_CONSTRAINT_TRIGGER', 'SQLITE_ERROR', 'SQLITE_BUSYNESS']) {
      expect(isStorageUnavailable(sqliteError(code)), code).toBe(false);
    }
    expect(isStorageUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isStorageUnavailable('SQLITE_BUSY')).toBe(false);
    expect(isStorageUnavailable(undefined)).toBe(false);
  });

  it('follows the cause, and counts a write refused after a failed commit', () => {
    expect(isStorageUnavailable(new Error('commit failed', { cause: sqliteError('SQLITE_FULL') }))).toBe(
      true,
    );
    // Refused whatever made the earlier commit fail: the write itself was never tried.
    expect(isStorageUnavailable(new StaleWriteError(sqliteError('SQLITE_CONSTRAINT_TRIGGER')))).toBe(true);
    expect(isStorageUnavailable(new StorageUnavailableError('from the scoring thread'))).toBe(true);
  });
});
