/**
 * The database could not do what a request needed, for a reason that passes: its write lock stayed
 * taken past the busy timeout, the disk is full or failing, or an earlier commit failed and what
 * was computed on top of it was refused. The request did not take effect and may be sent again;
 * the API answers 503 with `Retry-After` (`LG_ERR_STORAGE_UNAVAILABLE`), not 500.
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * SQLite result codes (better-sqlite3's `code`, extended codes included by prefix) that say the
 * storage is busy or failing, not that the statement or the data is wrong (a constraint, a syntax
 * error: those are bugs, answered 500).
 */
const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
];

/** Whether `err` (or an error it was caused by) is a {@link StorageUnavailableError} or such an SQLite error. */
export function isStorageUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof StorageUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.some((c) => code === c || code.startsWith(`${c}_`))) {
      return true;
    }
  }
  return false;
}
