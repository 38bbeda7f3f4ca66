import { join } from 'node:path';
import type { Logger } from 'pino';
import { resolveScoringConfig } from '../config/resolve-config.js';
import { saveAnomalyModels } from '../detect/models/anomaly-ensemble.js';
import { createEnricher } from '../enrich/create-enricher.js';
import type { LoginEvent } from '../event/login-event.js';
import { validateEvent } from '../event/validate-event.js';
import type { Queue } from '../queue/queue.js';
import { generateDataset } from '../simulate/generate-dataset.js';
import { writeDataset } from '../simulate/write-dataset.js';
import { trainModels } from '../train/train-models.js';

const DAY_MS = 86_400_000;
/** Small enough to score in seconds on the first start, big enough to hold every attack scenario. */
export const DEMO_DATASET = { users: 300, days: 21, seed: 2024 } as const;

/**
 * Queues a generated, labelled dataset ending today (so retention keeps it), for a first start on
 * an empty database: a new user sees detections at once. Labels stay on the events as
 * attributes (`label`, `attackId`). Returns how many events were queued.
 */
export async function loadDemoData(queue: Queue, log: Logger, nowMs: number): Promise<number> {
  const start = new Date(Math.floor(nowMs / DAY_MS) * DAY_MS - DEMO_DATASET.days * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const run = generateDataset({ ...DEMO_DATASET, start });
  let batch: LoginEvent[] = [];
  let queued = 0;
  for (const record of run.records) {
    const result = validateEvent(record);
    if (!result.ok) throw new Error(`demo record ${record.eventId} is invalid: ${result.errors[0]?.message}`);
    batch.push(result.event);
    if (batch.length === 5000) {
      queued += (await queue.enqueue(batch, nowMs)).accepted.length;
      batch = [];
    }
  }
  if (batch.length > 0) queued += (await queue.enqueue(batch, nowMs)).accepted.length;
  log.info({ events: queued, ...DEMO_DATASET, start }, 'demo dataset queued');
  return queued;
}

/** Another population than the demo's (other seed), so the demo's models never saw what they score. */
const DEMO_TRAINING = { users: 300, days: 21, seed: 2023 } as const;

/**
 * Trains anomaly models for the demo on a generated history of another population (seed 2023,
 * the three weeks before the demo's), and writes them to `modelsDir`. A few seconds; runs once,
 * on a first `start --demo`.
 */
export async function trainDemoModels(modelsDir: string, dataDir: string, nowMs: number): Promise<void> {
  const start = new Date(Math.floor(nowMs / DAY_MS) * DAY_MS - 2 * DEMO_TRAINING.days * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const history = join(dataDir, 'demo-training.jsonl');
  await writeDataset(generateDataset({ ...DEMO_TRAINING, start }).records, { out: history });
  const models = await trainModels({
    input: history,
    enricher: createEnricher(),
    config: resolveScoringConfig(),
    seed: DEMO_TRAINING.seed,
    epochs: 10,
  });
  await saveAnomalyModels(modelsDir, models);
  models.autoencoder.dispose();
}
