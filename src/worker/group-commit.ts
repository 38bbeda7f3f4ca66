import type { Kysely } from 'kysely';
import type { LockState } from '../decide/lockout.js';
import type { Assessment } from '../event/assessment.js';
import type { LoginEvent } from '../event/login-event.js';
import { AssessmentRepository } from '../store/assessment-repository.js';
import { type AuditEntry, AuditRepository } from '../store/audit-repository.js';
import type { Database } from '../store/database.js';
import { EventRepository } from '../store/event-repository.js';
import { LockoutRepository } from '../store/lockout-repository.js';
import { ProfileRepository } from '../store/profile-repository.js';

/** What scoring some events changed: written together, or not at all. */
export interface WriteSet {
  events: LoginEvent[];
  assessments: Assessment[];
  /**
   * Each changed user's baseline, encoded when the unit that changed it finished scoring: the
   * live object may already hold later events that are not committed yet.
   */
  profiles: Map<string, string>;
  /** The lock state of each user whose lock changed (undefined: unlocked). */
  locks: Map<string, LockState | undefined>;
  audit: AuditEntry[];
}

export function emptyWriteSet(): WriteSet {
  return { events: [], assessments: [], profiles: new Map(), locks: new Map(), audit: [] };
}

/**
 * Group commit: write sets handed in while a transaction is running are merged and written by
 * the next one, so a thousand synchronous assessments a second cost a few dozen fsyncs, not a
 * thousand. Each `write` resolves once its data is committed (or rejects with the error of the
 * transaction that carried it). Later write sets overwrite earlier ones for the same user's
 * profile and lock, which is right because they were scored later.
 */
export class GroupCommit {
  private pending:
    | { set: WriteSet; done: Array<{ resolve: () => void; reject: (e: unknown) => void }> }
    | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  write(set: WriteSet): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.pending) this.pending = { set: emptyWriteSet(), done: [] };
      merge(this.pending.set, set);
      this.pending.done.push({ resolve, reject });
      if (!this.running) this.running = this.drain();
    });
  }

  /** Resolves when everything handed in so far is written (or failed). */
  async flushed(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the requests that have already arrived be scored first, so they share this transaction:
    // better-sqlite3 commits synchronously (the fsync blocks the thread), so nothing arrives while
    // a commit runs, and without this yield every synchronous assessment would pay its own fsync.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending) {
      const batch = this.pending;
      this.pending = undefined;
      try {
        await this.commit(batch.set);
        for (const d of batch.done) d.resolve();
      } catch (err) {
        for (const d of batch.done) d.reject(err);
      }
    }
    this.running = undefined;
  }

  private async commit(set: WriteSet): Promise<void> {
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      await new EventRepository(trx).insertMany(set.events, at);
      await new AssessmentRepository(trx).insertMany(set.assessments, at);
      await new ProfileRepository(trx).putManyEncoded(set.profiles, at);
      const lockouts = new LockoutRepository(trx);
      const locked = new Map<string, LockState>();
      const unlocked: string[] = [];
      for (const [userId, lock] of set.locks) {
        if (lock) locked.set(userId, lock);
        else unlocked.push(userId);
      }
      await lockouts.putMany(locked, at);
      await lockouts.deleteMany(unlocked);
      await new AuditRepository(trx).append(set.audit);
    });
  }
}

function merge(into: WriteSet, from: WriteSet): void {
  for (const e of from.events) into.events.push(e);
  for (const a of from.assessments) into.assessments.push(a);
  for (const [k, v] of from.profiles) into.profiles.set(k, v);
  for (const [k, v] of from.locks) into.locks.set(k, v);
  for (const a of from.audit) into.audit.push(a);
}
