import type { CommittedBatch } from '../worker/committed-batch.js';

export type FeedListener = (batch: CommittedBatch) => void;

/**
 * Committed assessments, batch by batch as they are committed, for whoever listens in this
 * process: alerting, the dashboard's live stream. A listener that throws is logged by the
 * caller's `onError` and never stops the others (or the worker).
 */
export class AssessmentFeed {
  private readonly listeners = new Set<FeedListener>();

  constructor(private readonly onError: (err: unknown) => void = () => undefined) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(batch: CommittedBatch): void {
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
