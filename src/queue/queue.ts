import type { LoginEvent } from '../event/login-event.js';

/**
 * An event handed to a consumer, with its place in the queue and how often it was delivered. The
 * consumer gives it back to `ack`, `fail` or `release`, which act on that place: the same event
 * (`eventId` and time) is queued at most once, and an id re-sent with another time is another
 * event, as in the `events` and `assessments` tables.
 */
export interface QueuedEvent {
  /** Its place in the queue: what ack, fail and release act on. */
  seq: number;
  event: LoginEvent;
  /** Deliveries including this one (1 on the first). */
  attempts: number;
  enqueuedAt: number;
  /**
   * The queue stored the event in `events` when it accepted it (the embedded queue, which shares
   * the service's database): the worker does not write it there again. Otherwise the worker does.
   */
  recorded?: boolean;
}

/** What {@link Queue.enqueue} did with each event, by eventId. */
export interface EnqueueResult {
  accepted: string[];
  /**
   * Already queued with the same time (or twice in the same call), or, for a queue that stores
   * events in `events`, already received before (same eventId and time): not queued again.
   */
  duplicates: string[];
}

/** What {@link Queue.requeueFailed} did. */
export type RequeueResult = 'requeued' | 'not_failed' | 'not_stored';

/** A snapshot for metrics and health checks. */
export interface QueueDepth {
  /** Waiting for a consumer (never taken, lease expired, or released). */
  ready: number;
  /** Held by a consumer whose lease is still running. */
  leased: number;
  /** In the failed list (poison). */
  failed: number;
  /** When the oldest event still in the queue was enqueued (epoch ms); undefined when empty. */
  oldestEnqueuedAt: number | undefined;
}

/** One poison event, as {@link Queue.listFailed} returns it. */
export interface FailedEvent {
  eventId: string;
  userId: string;
  /** The event's time (epoch ms); 0 for a failure from before migration 0009 whose JSON had none. */
  timestampMs: number;
  error: string;
  failedAt: number;
  /**
   * The event's stored JSON text: without its id, user and time when stored since session 26
   * (they are the fields above), whole before; '' when it was no longer stored.
   */
  payload: string;
}

/**
 * The durable queue between the API and the worker (DESIGN §1): at-least-once delivery with
 * leases. A consumer takes a batch, which is leased to it for `leaseMs`; it acks what it finished,
 * fails what can never succeed, and releases what it will not do. A lease that runs out (a crashed
 * worker) makes the event available again, with one more attempt counted; past the max-attempts
 * bound of the implementation an event goes to the failed list on take, with the error
 * `too many attempts`. Consumers must be idempotent (the worker skips events already assessed).
 *
 * Order: take() hands out the oldest events first, so a single consumer sees each user's events
 * in the order they were enqueued, and per-user state evolves as it would live. Several consumers
 * taking batches from one queue would interleave a user's events between them; to scale out,
 * partition by user (hash of userId → one stream or consumer per partition), as `replay` splits
 * users between threads.
 *
 * Times are passed in (`nowMs`), so tests and replays control the clock.
 *
 * @example
 * await queue.enqueue(events, Date.now());
 * const batch = await queue.take(1000, 30_000, Date.now());
 * // …score and store…
 * await queue.ack(batch);
 */
export interface Queue {
  /** Durable when the promise resolves (one transaction); idempotent by eventId and time. */
  enqueue(events: readonly LoginEvent[], nowMs: number): Promise<EnqueueResult>;
  /** Up to `max` events, oldest first, leased for leaseMs; expired leases are taken again; attempts counted. */
  take(max: number, leaseMs: number, nowMs: number): Promise<QueuedEvent[]>;
  /**
   * This user's queued (not leased) events, oldest first (at most `max`, default all), leased
   * like take(): the sync endpoint scores them first to keep per-user order.
   */
  takeUser(userId: string, leaseMs: number, nowMs: number, max?: number): Promise<QueuedEvent[]>;
  /**
   * Whether this user has events waiting (not leased). A cheap read that never waits for a writer:
   * the sync endpoint asks before `takeUser`, which takes the write lock. May be a moment stale.
   */
  hasReady(userId: string, nowMs: number): Promise<boolean>;
  /** Done: remove these taken events. Those no longer queued are ignored. */
  ack(taken: readonly QueuedEvent[]): Promise<void>;
  /** Poison: move this taken event to the failed list with the error text, never delivered again. */
  fail(taken: QueuedEvent, error: string, nowMs: number): Promise<void>;
  /**
   * Give a lease back at once (worker shutting down, or a batch it could not commit): the events
   * are ready again. The delivery still counts as an attempt, so a batch that fails every time
   * ends in the failed list instead of looping.
   */
  release(taken: readonly QueuedEvent[]): Promise<void>;
  depth(nowMs: number): Promise<QueueDepth>;
  /** Most recently failed first. */
  listFailed(limit: number): Promise<FailedEvent[]>;
  /**
   * Puts a failed event (by its id and time) back at the end of the queue, no attempt counted:
   * for an operator who fixed what failed it. `not_failed`: no such event in the failed list;
   * `not_stored`: the event itself is gone (retention), there is nothing to score.
   */
  requeueFailed(eventId: string, timestampMs: number, nowMs: number): Promise<RequeueResult>;
  /**
   * Retention: deletes the failed events whose own time is before `tsMs` (they hold the raw event,
   * personal data, like `events`). Returns how many.
   */
  deleteFailedOlderThan(tsMs: number): Promise<number>;
  /** Waits for calls in progress, then frees what the queue holds. Later calls reject. */
  close(): Promise<void>;
}
