import type { Assessment } from '../event/assessment.js';

export type FeedListener = (assessments: readonly Assessment[]) => void;

/**
 * Committed assessments, as they are committed, for whoever listens in this process: alerting,
 * the dashboard's live stream. A listener that throws is logged by the caller's `onError` and
 * never stops the others (or the worker).
 */
export class AssessmentFeed {
  private readonly listeners = new Set<FeedListener>();

  constructor(private readonly onError: (err: unknown) => void = () => undefined) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(assessments: readonly Assessment[]): void {
    for (const listener of this.listeners) {
      try {
        listener(assessments);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
