import type { LockState } from '../decide/lockout.js';
import type { Assessment } from '../event/assessment.js';
import type { LoginEvent } from '../event/login-event.js';
import type { UserProfile } from '../profile/user-profile.js';
import type { AuditEntry } from '../store/audit-repository.js';
import type { CommittedBatch } from './committed-batch.js';
import type { ScorerState } from './scorer.js';
import type { UserChange, UserChangeResult } from './user-change.js';

/**
 * Scoring cannot answer now: its thread died and is being replaced, or scoring is closed. The call
 * did not take effect (an event it was scoring comes back from the queue, or was never taken); the
 * API answers 503 with `Retry-After` (`LG_ERR_NOT_READY`).
 */
export class ScoringUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScoringUnavailableError';
  }
}

/** One user's state as the scorer sees it (cached baseline and lock, committed or about to be). */
export interface UserSnapshot {
  profile: UserProfile | undefined;
  lock?: LockState;
}

/** What the service hears back from scoring: metrics, the live feed, alerts. */
export interface ScoringListeners {
  /** A batch of assessments is committed: its counts, latest few and those that may alert. */
  onCommitted?: (batch: CommittedBatch) => void;
  /** The worker finished a batch from the queue: how long it took and how many events. */
  onBatch?: (seconds: number, events: number) => void;
  /** About once a second: cached users, baselines not yet written, the scoring heap. */
  onState?: (state: ScorerState) => void;
}

/**
 * Scoring as the HTTP side sees it: the queue worker, the synchronous endpoint and admin changes
 * on one per-user state. `LocalScoring` runs it on the calling thread; `ThreadedScoring` on a
 * worker thread with its own database connection, so that HTTP, validation and enqueue keep the
 * main thread (DESIGN §1: the worker may run apart from the API).
 */
export interface Scoring {
  /** The synchronous path: this user's queued events first, then this one; see `Scorer.assessNow`. */
  assessNow(event: LoginEvent): Promise<{ assessment: Assessment; duplicate: boolean }>;
  /** Admin changes to one user's state, committed with their audit entries. */
  updateUser(userId: string, changes: readonly UserChange[], audit: AuditEntry[]): Promise<UserChangeResult>;
  peek(userId: string): Promise<UserSnapshot>;
  /** Scores queued events until the queue is empty (tests, tools). */
  drain(): Promise<void>;
  /**
   * Loads the anomaly models saved in `dir` (`saveAnomalyModels`) and scores with them from the
   * next event on; the per-user state is kept. @throws ModelFileError when `dir` cannot be loaded
   * (scoring then goes on as before).
   */
  useModels(dir: string): Promise<void>;
  /** Ends the worker's idle wait at once: the API calls it after an enqueue. */
  wake(): void;
  /** Stops taking from the queue, finishes and commits what is in hand, frees what it holds. */
  close(): Promise<void>;
}
