import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';

/**
 * Makes a SQLite connection wait for the write lock without blocking its thread.
 *
 * Why: better-sqlite3 runs SQLite's busy handler on the calling thread, and that handler sleeps
 * in steps of up to 100 ms. With a busy timeout, the main thread (HTTP, the live feed) stood
 * still whenever it wanted to write while the scoring thread held the lock: 8–9 s of every 30
 * under full ingest (bench/service-load.mjs). Instead the connection gets busy_timeout 0, and a
 * statement that fails with SQLITE_BUSY outside a transaction (a BEGIN IMMEDIATE, or a single
 * statement: nothing it did is kept) is tried again every millisecond until
 * `timeoutMs` have passed; in between the thread serves everything else. Streamed reads
 * (`streamQuery`) are left as they are: in WAL mode a reader does not wait for the writer.
 */
export function yieldOnBusy(
  connection: DatabaseConnection,
  inTransaction: () => boolean,
  timeoutMs: number,
): void {
  const execute = connection.executeQuery.bind(connection);
  connection.executeQuery = async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await execute<R>(query);
      } catch (error) {
        if (!isBusy(error) || inTransaction() || Date.now() >= deadline) throw error;
        await sleep(RETRY_MS);
      }
    }
  };
}

/**
 * Between tries: the shortest timer. Under full-tilt ingest the API and the scoring thread each
 * wait for the lock hundreds of times a minute; a lock left free while its next holder sleeps is
 * lost for both. (Sleeps growing to 4 ms scored fewer events/s in four alternated runs of
 * bench/service-load.mjs; docs/BENCHMARKS.md, session 16, has the figures and their noise.) A
 * failed try costs microseconds.
 */
const RETRY_MS = 1;

function isBusy(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
