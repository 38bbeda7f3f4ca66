import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * The slice of a better-sqlite3 statement this project relies on: what Kysely calls, plus `busy`
 * (true while an `iterate()` over it is still open; such a statement cannot be run again).
 */
export interface CacheableStatement extends SqliteStatement {
  readonly busy: boolean;
}

/** The slice of a better-sqlite3 database the statement cache wraps. */
export interface CacheableDatabase {
  prepare(sql: string): CacheableStatement;
  close(): void;
}

/**
 * Wraps a SQLite database so that Kysely's driver, which calls `prepare(sql)` for every query,
 * reuses compiled statements. Compiling is a large part of a small query's cost, and the hot
 * paths (queue, repositories) issue the same SQL text over and over: a multi-row insert of a
 * fixed chunk size is one text. Least recently used statements beyond `capacity` are dropped.
 *
 * `BEGIN` becomes `BEGIN IMMEDIATE`: every transaction takes the write lock when it starts.
 * A deferred transaction that reads first and writes later fails at once with SQLITE_BUSY
 * (no wait applies) when another connection committed in between; with IMMEDIATE the second
 * writer waits for the lock instead (`yieldOnBusy`). The project never opens a read-only transaction.
 */
export function withStatementCache(db: CacheableDatabase, capacity = 256): SqliteDatabase {
  const cache = new Map<string, CacheableStatement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): CacheableStatement {
      const text = sql === 'begin' ? 'begin immediate' : sql;
      const cached = cache.get(text);
      if (cached !== undefined && !cached.busy) {
        // Map iteration order is insertion order: re-inserting marks it most recently used.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = db.prepare(text);
      if (cached === undefined) {
        cache.set(text, statement);
        if (cache.size > capacity) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
      }
      return statement;
    },
  };
}
