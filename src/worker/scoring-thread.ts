/**
 * The scoring thread (see `ThreadedScoring`): its own connections to the database file, its own
 * pipeline (enricher, models), the queue worker and the synchronous path, served to the main
 * thread over messages. Started by `ThreadedScoring.open`, never run directly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { loadAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import { SqliteQueue } from '../queue/sqlite-queue.js';
import { openSqliteDatabase } from '../store/database.js';
import { isStorageUnavailable } from '../store/storage-unavailable.js';
import { LocalScoring } from './local-scoring.js';
import type { Scoring } from './scoring.js';
import type { ScoringThreadData, ThreadReply, ThreadRequest } from './scoring-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('scoring-thread.js runs as a worker thread (see ThreadedScoring)');
const data = workerData as ScoringThreadData;

async function main(): Promise<void> {
  if (!port) return;
  const log = pino({ level: data.logLevel, base: { service: 'loginguard', thread: 'scoring' } });
  const models = data.modelsDir ? await loadAnomalyModels(data.modelsDir, data.scoring) : undefined;
  // The main thread's connection runs the background checkpointer for the file.
  const db = openSqliteDatabase(data.file, {
    synchronous: data.synchronous,
    busyTimeoutMs: data.busyTimeoutMs,
    checkpointedElsewhere: true,
  });
  const reader = openSqliteDatabase(data.file, { backgroundCheckpoint: false });
  // The embedded worker is the queue's only consumer (the main thread only enqueues).
  const queue = new SqliteQueue(db, { maxAttempts: data.maxAttempts, reader, singleConsumer: true });
  const scoring = new LocalScoring({
    db,
    readDb: reader,
    queue,
    enricher: createEnricher(),
    ...(models ? { models } : {}),
    scoring: data.scoring,
    log,
    batchSize: data.batchSize,
    leaseMs: data.leaseMs,
    runWorker: data.runWorker,
    profileFlushMs: data.profileFlushMs,
    maxCachedUsers: data.maxCachedUsers,
    alerts: data.alerts,
    onCommitted: (batch) => port.postMessage({ type: 'committed', batch } satisfies ThreadReply),
    onBatch: (seconds, events) => port.postMessage({ type: 'batch', seconds, events } satisfies ThreadReply),
    onState: (state) => port.postMessage({ type: 'state', state } satisfies ThreadReply),
  });

  const close = async () => {
    await scoring.close();
    await queue.close();
    await reader.destroy();
    await db.destroy();
  };
  port.on('message', (request: ThreadRequest) => {
    if (request.op === 'wake') {
      scoring.wake();
      return;
    }
    // From JavaScript, between two steps of the work: no better-sqlite3 call is in progress.
    if (request.op === 'exit') process.exit(1);
    run(request, scoring, close).then(
      (value) => {
        port.postMessage({ type: 'reply', id: request.id, ok: true, value } satisfies ThreadReply);
        // Closed: the port is the last thing keeping the thread alive; let it end.
        if (request.op === 'close') port.unref();
      },
      (err: unknown) =>
        port.postMessage({
          type: 'reply',
          id: request.id,
          ok: false,
          error: err instanceof Error ? err.message : String(err),
          unavailable: isStorageUnavailable(err),
        } satisfies ThreadReply),
    );
  });
  port.postMessage({ type: 'ready' } satisfies ThreadReply);
}

function run(
  request: Exclude<ThreadRequest, { op: 'wake' | 'exit' }>,
  scoring: Scoring,
  close: () => Promise<void>,
): Promise<unknown> {
  switch (request.op) {
    case 'assess':
      return scoring.assessNow(request.event);
    case 'update':
      return scoring.updateUser(request.userId, request.changes, request.audit);
    case 'models':
      return scoring.useModels(request.dir);
    case 'peek':
      return scoring.peek(request.userId);
    case 'drain':
      return scoring.drain();
    case 'close':
      return close();
  }
}

main().catch((err: unknown) => {
  port.postMessage({
    type: 'failed',
    error: err instanceof Error ? err.message : String(err),
  } satisfies ThreadReply);
});
