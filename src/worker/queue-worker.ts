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
    const started = await this.startBatch();
    if (!started) return 0;
    await started.finished;
    return started.took;
  }

  /** Scores until the queue is empty (tests, the demo loader). */
  async drain(): Promise<void> {
    while ((await this.runOnce()) > 0) {}
  }

  /**
   * Takes a batch and scores it; resolves once it is scored, with `finished`, which settles once
   * its writes are committed and it is acked (or, when the commit failed, given back to the queue).
   */
  private async startBatch(): Promise<{ took: number; finished: Promise<void> } | undefined> {
    const { queue, scorer, log, batchSize, leaseMs } = this.options;
    const batch = await queue.take(batchSize, leaseMs, this.now());
    if (batch.length === 0) return undefined;
    const started = performance.now();
    const giveBack = async (err: unknown) => {
      log.error({ err, events: batch.length }, 'could not commit a batch; it goes back to the queue');
      await queue.release(batch).catch(() => undefined);
      throw err;
    };
    let scored: Awaited<ReturnType<Scorer['scoreBatchStaged']>>;
    try {
      scored = await scorer.scoreBatchStaged(batch);
    } catch (err) {
      return giveBack(err);
    }
    const { settlement, written } = scored;
    const finished = written.then(async () => {
      this.options.onBatch?.((performance.now() - started) / 1000, batch.length);
      await queue.ack(settlement.finished);
      for (const { queued, error } of settlement.poisoned) {
        log.warn({ eventId: queued.event.eventId, error }, 'poison event recorded as failed');
        await queue.fail(queued, error, this.now());
      }
    }, giveBack);
    // Awaited by the loop before the batch after next; until then a failure is not unhandled.
    finished.catch(() => undefined);
    return { took: batch.length, finished };
  }

  /**
   * Takes and scores the next batch while the previous one's commit waits for the write lock
   * (which the API's enqueue holds part of the time): the scoring thread was idle a fifth of the
   * time under full-tilt ingest otherwise. At most one batch waits for its commit: the next is
   * scored only after it finished. Scoring stays in queue order, and so do the writes (one group
   * commit, in the order handed over).
   */
  private async run(): Promise<void> {
    const idleMs = this.options.idleMs ?? 100;
    let committing: Promise<void> | undefined;
    while (this.running) {
      try {
        const next = await this.startBatch();
        const previous = committing;
        committing = next?.finished;
        await previous;
        if (!next && this.running) await this.sleep(idleMs);
      } catch {
        await committing?.catch(() => undefined);
        committing = undefined;
        await this.sleep(1000);
      }
    }
    await committing?.catch(() => undefined);
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
