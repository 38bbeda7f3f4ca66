/**
 * Fits the anomaly models on the service's stored events, on a thread of its own (see
 * `ModelAutoFit`): replaying the history and training the autoencoder take seconds to minutes of
 * CPU that must not hold the scoring thread or HTTP. Started by `ModelAutoFit`, never run directly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { saveAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import { openSqliteDatabase } from '../store/database.js';
import { EventRepository } from '../store/event-repository.js';
import type { FitThreadData, FitThreadReply } from './fit-thread-protocol.js';
import { trainModels } from './train-models.js';

const port = parentPort;
if (!port) throw new Error('fit-thread.js runs as a worker thread (see ModelAutoFit)');
const data = workerData as FitThreadData;

async function main(): Promise<void> {
  // A reader only: it never writes the file, and the service's connection runs the checkpointer.
  const db = openSqliteDatabase(data.file, { backgroundCheckpoint: false });
  try {
    const models = await trainModels({
      input: `the events stored in ${data.file}`,
      events: new EventRepository(db).inTimeOrder(),
      enricher: createEnricher(),
      config: data.scoring,
      seed: data.seed,
      ...(data.epochs ? { epochs: data.epochs } : {}),
    });
    await saveAnomalyModels(data.outDir, models);
    models.autoencoder.dispose();
    port?.postMessage({
      type: 'fitted',
      training: models.training,
      seconds: models.seconds,
    } satisfies FitThreadReply);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  port?.postMessage({
    type: 'failed',
    error: err instanceof Error ? err.message : String(err),
  } satisfies FitThreadReply);
});
