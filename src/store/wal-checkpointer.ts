import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A background checkpointer; `stop()` ends it and closes its connection before returning. */
export interface WalCheckpointer {
  stop(): void;
}

/** How long `stop()` waits for a checkpoint in progress to finish. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs `PRAGMA wal_checkpoint(PASSIVE)` on a SQLite file every `intervalMs`, from a worker thread
 * with its own connection.
 *
 * Why: a checkpoint copies the pages committed to the WAL into the database file and fsyncs it,
 * about half of all the disk work of a write-heavy load. better-sqlite3 is synchronous, so a
 * checkpoint run by the writing connection (SQLite's automatic one) blocks the event loop that
 * also serves HTTP. On another thread it overlaps with the next transactions (see
 * bench/store.bench.mjs). PASSIVE never blocks the writer; the writer starts the WAL again from
 * its beginning once everything in it has been copied.
 *
 * The worker is a string (`eval`), so it runs the same from src/ under Vitest and from dist/
 * without a second entry file to locate; it loads the driver from the path resolved here.
 */
export function startWalCheckpointer(
  file: string,
  options: { intervalMs?: number; busyTimeoutMs?: number } = {},
): WalCheckpointer {
  const closed = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      driverPath: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs: options.intervalMs ?? 250,
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      closed,
    },
  });
  worker.unref();
  // A checkpointer that dies (disk full, say) must not take the service down: the writing
  // connection keeps SQLite's automatic checkpoint, at a higher threshold, as a fallback.
  worker.on('error', () => Atomics.store(closed, 0, 1));
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
      // Synchronous on purpose: the writer's connection must close last, so that SQLite's final
      // checkpoint on close empties and removes the WAL.
      Atomics.wait(closed, 0, 0, STOP_TIMEOUT_MS);
    },
  };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closed } = workerData;
let db;
try {
  db = new (require(workerData.driverPath))(workerData.file);
  db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
} catch (error) {
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
  throw error;
}
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try { db.close(); } finally {
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
  }
});
`;
