import type { Logger } from 'pino';
import type { Queue } from '../queue/queue.js';
import type { Scorer } from './scorer.js';

export interface QueueWorkerOptions {
  queue: Queue;
  scorer: Scorer;
  log: Logger;
  batchSize: number;
  leaseMs: number;
  /** How long to sleep when the queue is empty (a `wake()` cuts it short). */
  idleMs?: number;
  /** Called after each batch is committed, with how long scoring and committing it took. */
  onBatch?: (seconds: number, events: number) => void;
  now?: () => number;
}

/**
 * The queue consumer: takes batches, has them scored and committed, then acks them. A poison
 * event (one the pipeline throws on) is recorded as failed with its error and never blocks the
 * queue; a batch whose commit fails is given back to the queue (its lease released) and tried
 * again after a pause. `stop()` drains: it finishes the batch in hand and returns.
 */
export class QueueWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private sleeping: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: QueueWorkerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Ends an idle wait at once: the API calls it after an enqueue. */
  wake(): void {
    if (!this.sleeping) return;
    clearTimeout(this.sleeping.timer);
    this.sleeping.resolve();
    this.sleeping = undefined;
  }

  /** Finishes the batch in hand, then stops taking. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Takes and scores one batch; returns how many events it took. Exposed for tests and `drain`. */
  async runOnce(): Promise<number> {
    const { queue, scorer, log, batchSize, leaseMs } = this.options;
    const batch = await queue.take(batchSize, leaseMs, this.now());
    if (batch.length === 0) return 0;
    const started = performance.now();
    let outcome: Awaited<ReturnType<Scorer['scoreBatch']>>;
    try {
      outcome = await scorer.scoreBatch(batch);
    } catch (err) {
      log.error({ err, events: batch.length }, 'could not commit a batch; it goes back to the queue');
      await queue.release(batch.map((q) => q.event.eventId)).catch(() => undefined);
      throw err;
    }
    this.options.onBatch?.((performance.now() - started) / 1000, batch.length);
    await queue.ack([...outcome.assessed.map((a) => a.eventId), ...outcome.skipped]);
    for (const p of outcome.poison) {
      log.warn({ eventId: p.eventId, error: p.error }, 'poison event recorded as failed');
      await queue.fail(p.eventId, p.error, this.now());
    }
    return batch.length;
  }

  /** Scores until the queue is empty (tests, the demo loader). */
  async drain(): Promise<void> {
    while ((await this.runOnce()) > 0) {}
  }

  private async run(): Promise<void> {
    const idleMs = this.options.idleMs ?? 100;
    while (this.running) {
      let took = 0;
      try {
        took = await this.runOnce();
      } catch {
        await this.sleep(1000);
        continue;
      }
      if (took === 0 && this.running) await this.sleep(idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleeping = {
        timer: setTimeout(() => {
          this.sleeping = undefined;
          resolve();
        }, ms),
        resolve,
      };
    });
  }
}
