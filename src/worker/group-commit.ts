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
import { RelaxedCommit } from '../store/relaxed-commit.js';
import { StorageUnavailableError } from '../store/storage-unavailable.js';

/** What scoring some events changed: written together, or not at all. */
export interface WriteSet {
  /** The events scored that are not in `events` yet (the embedded queue stored its own there). */
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
  /**
   * Someone answers from this write once it is committed (a synchronous assessment, an admin
   * change), so it must survive a power loss: fsync'd. The queue worker's own writes need not be;
   * see {@link GroupCommit}.
   */
  durable: boolean;
  /**
   * The {@link GroupCommit.generation} the writes were computed in: a set computed before a commit
   * failed is refused (see {@link StaleWriteError}).
   */
  generation: number;
}

export function emptyWriteSet(generation: number): WriteSet {
  return {
    events: [],
    assessments: [],
    profiles: new Map(),
    locks: new Map(),
    audit: [],
    durable: false,
    generation,
  };
}

/**
 * A write set refused because a commit handed in before it failed: it was computed on top of
 * writes that are not stored (a user's baseline, lock and counters as they were after them), so
 * storing it would keep their effects without them. Its events go back to the queue and are
 * scored again from what is stored.
 */
export class StaleWriteError extends StorageUnavailableError {
  constructor(cause: unknown) {
    super('not written: computed on top of writes whose commit failed', { cause });
    this.name = 'StaleWriteError';
  }
}

/**
 * Group commit: write sets handed in while a transaction is running are merged and written by
 * the next one, so a thousand synchronous assessments a second cost a few dozen fsyncs, not a
 * thousand. Each `write` resolves once its data is committed (or rejects with the error of the
 * transaction that carried it). Later write sets overwrite earlier ones for the same user's
 * profile and lock, which is right because they were scored later.
 *
 * On a connection with `synchronous = FULL`, a transaction that carries no durable write set
 * commits with NORMAL ({@link RelaxedCommit}): not fsync'd, so the thread does not wait on the disk
 * (the scoring thread waited a fifth of its time for the fsyncs of the worker's commits under
 * full-tilt ingest: 5,644 → 6,460 scored/s without them, bench/service-load.mjs). That loses
 * nothing but time: the worker's input is durable in the queue, removed only by a later
 * transaction, and SQLite's WAL stays consistent without the fsync (a power loss keeps a prefix of
 * the commits). So a power loss
 * at most makes the worker score its last events again, from the baselines stored before them;
 * what was sent meanwhile (mail, webhooks) may be sent twice. The next fsync of the file (any
 * durable commit, an enqueue, a checkpoint) makes them durable too.
 *
 * A failed commit starts a new generation: every set handed in before it was known (waiting for
 * the next transaction, or computed meanwhile) was computed on top of the failed writes, and is
 * refused with a {@link StaleWriteError}; the caller drops what it holds in memory that came from
 * them (the scorer: its whole cache, as a restart would) and computes again.
 */
export class GroupCommit {
  /** Handed in with `hold` and not released yet. */
  private held: Waiting | undefined;
  /** The users the held writes write: a write that shares one releases them. */
  private heldUsers = new Set<string>();
  /** For the next transaction. */
  private pending: Waiting | undefined;
  private running: Promise<void> | undefined;
  private readonly relaxed: RelaxedCommit;
  /** Transactions that failed so far: the generation a write set must have been computed in. */
  private failures = 0;
  private lastError: unknown;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
    /** Held assessments past which the held writes are released anyway. */
    private readonly maxHeld = DEFAULT_MAX_HELD,
  ) {
    this.relaxed = new RelaxedCommit(db);
  }

  /** Changes with each failed commit; stamp a write set with it when computing it starts. */
  get generation(): number {
    return this.failures;
  }

  /**
   * Hands in a write set; resolves once it is committed. With `hold`, it waits (merged with the
   * other held sets) for {@link release}, a later write that shares a user with it, or
   * `maxHeld` held assessments: the worker holds the slices of a batch, so a batch is one
   * transaction instead of one per slice. Each B-tree page a transaction dirties is written
   * whole to the WAL, and the per-user index of assessments takes a few rows per bucket page
   * and transaction: fewer, larger transactions write fewer pages per event (commits 12.4 → 10.1
   * µs per scored event, 2026-11-28 in docs/BENCHMARKS.md). A write that shares no user with
   * the held ones (a synchronous assessment of another user) does not wait for them: it is
   * committed on its own, ahead of them, which changes no user's order.
   */
  write(set: WriteSet, options: { hold?: boolean } = {}): Promise<void> {
    if (set.generation !== this.failures) return Promise.reject(new StaleWriteError(this.lastError));
    return new Promise((resolve, reject) => {
      const settle = { resolve, reject };
      if (options.hold) {
        this.held ??= waiting(this.failures);
        add(this.held, set, [settle]);
        for (const user of usersOf(set)) this.heldUsers.add(user);
        if (this.held.set.assessments.length >= this.maxHeld) this.release();
        return;
      }
      if (this.held && this.sharesHeldUser(set)) this.release();
      this.pending ??= waiting(this.failures);
      add(this.pending, set, [settle]);
      this.start();
    });
  }

  /** Commits the held writes with the next transaction. */
  release(): void {
    const { held } = this;
    if (!held) return;
    this.held = undefined;
    this.heldUsers = new Set();
    // After what is pending: those shared no user with the held writes, so the order between
    // them does not matter, and a later write that shares one released them before it came in.
    this.pending ??= waiting(this.failures);
    add(this.pending, held.set, held.done);
    this.start();
  }

  /** Resolves when everything handed in so far is written (or failed); releases the held writes. */
  async flushed(): Promise<void> {
    this.release();
    while (this.running) await this.running;
  }

  private sharesHeldUser(set: WriteSet): boolean {
    for (const user of usersOf(set)) if (this.heldUsers.has(user)) return true;
    return false;
  }

  private start(): void {
    if (!this.running) this.running = this.drain();
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
        this.failures++;
        this.lastError = err;
        for (const d of batch.done) d.reject(err);
        // Handed in before the failure was known: computed on top of it (same generation).
        // (Casts: TypeScript keeps both narrowed to what they were before the awaited commit.)
        for (const stale of [this.pending as Waiting | undefined, this.held as Waiting | undefined]) {
          for (const d of stale?.done ?? []) d.reject(new StaleWriteError(err));
        }
        this.pending = undefined;
        this.held = undefined;
        this.heldUsers = new Set();
      }
    }
    this.running = undefined;
  }

  private commit(set: WriteSet): Promise<void> {
    if (set.durable) return this.writeIn(this.db, set);
    return this.relaxed.run((db) => this.writeIn(db, set));
  }

  private async writeIn(db: Kysely<Database>, set: WriteSet): Promise<void> {
    const at = this.now();
    // Encoded before BEGIN: the transaction holds the file's one write lock, which the API's
    // enqueue waits for; encoding the rows inside held it ~14% longer (docs/BENCHMARKS.md).
    const events = EventRepository.rowsOf(set.events, at);
    const assessments = AssessmentRepository.rowsOf(set.assessments, at);
    const audit = AuditRepository.rowsOf(set.audit);
    await db.transaction().execute(async (trx) => {
      await new EventRepository(trx).insertRows(events);
      await new AssessmentRepository(trx).insertRows(assessments);
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
      await new AuditRepository(trx).appendRows(audit);
    });
  }
}

/** Write sets waiting together, and who waits for them. */
interface Waiting {
  set: WriteSet;
  done: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
}

/** Held assessments released at once by default: a batch of the worker (`workerBatch`). */
const DEFAULT_MAX_HELD = 2000;

function waiting(generation: number): Waiting {
  return { set: emptyWriteSet(generation), done: [] };
}

function add(into: Waiting, set: WriteSet, done: Waiting['done']): void {
  merge(into.set, set);
  for (const d of done) into.done.push(d);
}

/** The users whose rows a write set writes. */
function* usersOf(set: WriteSet): Iterable<string> {
  for (const a of set.assessments) yield a.userId;
  yield* set.profiles.keys();
  yield* set.locks.keys();
}

function merge(into: WriteSet, from: WriteSet): void {
  into.durable ||= from.durable;
  for (const e of from.events) into.events.push(e);
  for (const a of from.assessments) into.assessments.push(a);
  for (const [k, v] of from.profiles) into.profiles.set(k, v);
  for (const [k, v] of from.locks) into.locks.set(k, v);
  for (const a of from.audit) into.audit.push(a);
}
