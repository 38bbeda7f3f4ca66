import { getHeapStatistics } from 'node:v8';
import type { Kysely } from 'kysely';
import type { ScoringConfig } from '../config/scoring-config.js';
import type { LockState } from '../decide/lockout.js';
import type { Assessment } from '../event/assessment.js';
import type { LoginEvent } from '../event/login-event.js';
import type { Pipeline } from '../pipeline.js';
import { encodeProfile } from '../profile/profile-codec.js';
import { MemoryScoringState } from '../profile/scoring-state.js';
import type { Queue, QueuedEvent } from '../queue/queue.js';
import { AssessmentRepository } from '../store/assessment-repository.js';
import type { AuditEntry } from '../store/audit-repository.js';
import type { Database } from '../store/database.js';
import { eventKey } from '../store/event-key.js';
import { LockoutRepository } from '../store/lockout-repository.js';
import { ProfileRepository } from '../store/profile-repository.js';
import { emptyWriteSet, GroupCommit, StaleWriteError, type WriteSet } from './group-commit.js';
import { HeapAfterGc } from './heap-after-gc.js';
import { applyUserChanges, type UserChange, type UserChangeResult } from './user-change.js';

/** What one batch from the queue came to. */
export interface BatchOutcome {
  assessed: Assessment[];
  /** Already assessed before (a redelivery or a re-sent eventId): nothing done again. */
  skipped: string[];
  /** Events the pipeline could not score: recorded as failed, never retried. */
  poison: { eventId: string; timestampMs: number; error: string }[];
}

/**
 * What becomes of queued events once scored: the finished (assessed, or found assessed already)
 * are acked, the poison go to the failed list. A synchronous assessment's claim on a batch's
 * events leaves them out of the batch's.
 */
export interface QueueSettlement {
  finished: QueuedEvent[];
  poisoned: { queued: QueuedEvent; error: string }[];
}

export interface ScorerOptions {
  db: Kysely<Database>;
  /**
   * A second connection to the same database for the reads scoring needs (stored baselines, which
   * events are assessed): in WAL mode it never waits for a commit in progress on `db`. Default `db`.
   */
  readDb?: Kysely<Database>;
  queue: Queue;
  pipeline: Pipeline;
  scoring: Readonly<ScoringConfig>;
  leaseMs: number;
  /**
   * Write changed baselines every this many ms rather than with every batch (write-behind);
   * 0: with every batch. See the class comment for what a crash then loses. Default 0.
   */
  profileFlushMs?: number;
  /** Users whose state stays cached; beyond it the least recently used are dropped. Default 200,000. */
  maxCachedUsers?: number;
  /**
   * A batch's slices are committed together, up to this many events per transaction (see
   * `GroupCommit.write`). Default 2,000.
   */
  commitEvery?: number;
  /** Called once a batch's assessments are committed (metrics, live stream, alerts). */
  onCommitted?: (assessments: readonly Assessment[]) => void;
  /** Called about once a second with the cache and write-behind figures (metrics). */
  onState?: (state: ScorerState) => void;
  now?: () => number;
}

/** The scorer's memory and write-behind backlog, for metrics. */
export interface ScorerState {
  /** Users whose baseline and lock are cached. */
  cachedUsers: number;
  /** Baselines changed in memory and not yet written (write-behind). */
  unwrittenBaselines: number;
  /** The scoring thread's V8 heap in use. */
  heapUsedBytes: number;
  /** Its V8 heap committed, in use or not (what it holds of the process's memory). */
  heapTotalBytes: number;
  /** Of it, what was in use just after the latest full collection: the live state (0 before one). */
  heapLiveBytes: number;
}

/**
 * Scores events for the worker and for the synchronous endpoint, on one per-user state.
 *
 * The state lives in memory (a cache of the stored baselines and locks, loaded per user on first
 * sight) and changes only inside one critical section at a time, so each user's events are
 * scored in arrival order whichever endpoint brought them. The synchronous endpoint first takes
 * the user's events not scored yet (in the batch being scored, then waiting in the queue), so an
 * event sent earlier through the queue is scored before it. What a section changed is written by group commit in one transaction, and
 * only then acknowledged to the queue: a crash before the commit loses the in-memory state too,
 * and the events come back from the queue to be scored again from the stored state (exactly-once
 * effects). Counters that span users (per IP, per tenant) are kept in memory only: a restart
 * starts their windows afresh.
 *
 * Baselines write-behind (`profileFlushMs` > 0): a user's baseline is encoded and written once per
 * interval however many of their logins were scored in it, instead of once per batch. Encoding a
 * baseline (≈1.6 KB of JSON) and rewriting its page cost more than everything else a login writes
 * (bench/service-load.mjs). A flush is handed to group commit after the assessments it includes,
 * so a stored baseline never runs ahead of the stored assessments; a crash loses what the
 * baselines learned since the last flush (the assessments, locks and audit entries are kept).
 *
 * A failed commit makes the memory wrong: it holds the effects of writes that are not stored, and
 * everything scored after them (the next batch, a synchronous assessment) was scored on top of
 * them. So group commit refuses those later write sets too, and the next critical section starts
 * from an empty cache and fresh cross-user counters, as after a restart: the events come back from
 * the queue and are scored again from what is stored, each exactly once.
 */
export class Scorer {
  private state: MemoryScoringState;
  /** The commit generation the cache reflects (see `forgetIfStale`). */
  private generation = 0;
  private readonly loaded = new Set<string>();
  /**
   * Events scored whose commit has not finished, by key (eventKey): the store cannot see them yet,
   * this can.
   */
  private readonly pending = new Set<string>();
  private readonly readDb: Kysely<Database>;
  private readonly commits: GroupCommit;
  private readonly now: () => number;
  private tail: Promise<unknown> = Promise.resolve();
  /** Users whose baseline changed since it was last written (write-behind). */
  /** userId → when (wall-clock ms) its baseline first changed since it was last written. */
  private readonly dirty = new Map<string, number>();
  private readonly flushMs: number;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly stateTimer: NodeJS.Timeout | undefined;
  private readonly heapAfterGc: HeapAfterGc | undefined;
  private readonly writeBehind: boolean;
  private flushing: Promise<void> | undefined;
  private readonly maxCachedUsers: number;
  /** The batches `scoreBatch` is scoring, a slice at a time (one, from the queue worker). */
  private readonly held = new Set<HeldBatch>();
  private pipeline: Pipeline;

  constructor(private readonly options: ScorerOptions) {
    this.pipeline = options.pipeline;
    this.state = new MemoryScoringState(options.scoring);
    this.now = options.now ?? Date.now;
    this.readDb = options.readDb ?? options.db;
    this.commits = new GroupCommit(options.db, this.now, options.commitEvery);
    this.maxCachedUsers = options.maxCachedUsers ?? 200_000;
    this.flushMs = options.profileFlushMs ?? 0;
    this.writeBehind = this.flushMs > 0;
    // Ticks a few times per interval, each writing what has become due; without write-behind the
    // tick only trims the cache.
    this.flushTimer = setInterval(
      () => {
        // A flush still writing its slices takes the newly due users on its next tick.
        if (!this.flushing) void this.flushProfiles({ dueOnly: this.writeBehind }).catch(() => {});
      },
      this.writeBehind ? Math.max(50, Math.min(250, this.flushMs / 4)) : DEFAULT_TRIM_MS,
    ).unref();
    const { onState } = options;
    const heapAfterGc = onState ? new HeapAfterGc() : undefined;
    this.heapAfterGc = heapAfterGc;
    this.stateTimer = onState
      ? setInterval(() => {
          const heap = getHeapStatistics();
          onState({
            cachedUsers: this.loaded.size,
            unwrittenBaselines: this.dirty.size,
            heapUsedBytes: heap.used_heap_size,
            heapTotalBytes: heap.total_heap_size,
            heapLiveBytes: heapAfterGc?.bytes ?? 0,
          });
        }, STATE_EVERY_MS).unref()
      : undefined;
  }

  /**
   * Scores with another pipeline from the next event on (anomaly models fitted after a warm-up).
   * The per-user state is kept: only how events are scored changes.
   */
  usePipeline(pipeline: Pipeline): void {
    this.pipeline = pipeline;
  }

  /**
   * Scores a batch taken from the queue; the caller acks `assessed` + `skipped` and fails `poison`.
   *
   * A large batch costs less per event (one lease, one ack and fewer commits for more events: 7,500
   * events/s scored with batches of 500, 9,900 with 2,000 in bench/service-load.mjs), but the
   * synchronous endpoint waits while the critical section is held. So the batch is scored
   * {@link SCORE_SLICE} events at a time, yielding between slices, and each slice's writes are handed
   * to group commit as soon as it is scored (in scoring order, so a later write never lands before an
   * earlier one), held there so that the batch is one transaction (`commitEvery`). A synchronous
   * assessment that comes in between takes its user's events still waiting in the batch and scores
   * them first (see `assessNow`); the batch leaves them to it.
   */
  async scoreBatch(batch: readonly QueuedEvent[]): Promise<BatchOutcome> {
    const { outcome, written } = await this.scoreBatchStaged(batch);
    await written;
    return outcome;
  }

  /**
   * {@link scoreBatch} in two steps: resolves once the whole batch is scored (its writes handed to
   * group commit, in order), with `written`, which settles once they are committed. The queue
   * worker takes and scores its next batch meanwhile, instead of idling while the commit waits for
   * the write lock; it acks a batch only once `written` resolved.
   */
  async scoreBatchStaged(
    batch: readonly QueuedEvent[],
  ): Promise<{ outcome: BatchOutcome; settlement: QueueSettlement; written: Promise<void> }> {
    const held: HeldBatch = { items: batch, next: 0, claimed: new Set() };
    this.held.add(held);
    const outcome: BatchOutcome = { assessed: [], skipped: [], poison: [] };
    const settlement: QueueSettlement = { finished: [], poisoned: [] };
    const writes: Promise<void>[] = [];
    let generation: number | undefined;
    try {
      while (held.next < batch.length) {
        // Lets the synchronous requests that arrived meanwhile in (messages, timers, I/O).
        if (held.next > 0) await new Promise((resolve) => setImmediate(resolve));
        const unit = await this.exclusive(async () => {
          // A commit failed since the batch began: its earlier slices may be refused, and scoring the
          // rest now would score their users' later events before the earlier ones come back.
          if (generation !== undefined && generation !== this.generation) {
            throw new StaleWriteError(
              'a commit failed while the batch was scored; it goes back to the queue',
            );
          }
          generation = this.generation;
          const slice: QueuedEvent[] = [];
          while (held.next < batch.length && slice.length < SCORE_SLICE) {
            const item = batch[held.next++] as QueuedEvent;
            if (!held.claimed.has(item)) slice.push(item);
          }
          const unit = await this.scoreUnit(slice);
          return { ...unit, slice };
        });
        outcome.assessed.push(...unit.outcome.assessed);
        outcome.skipped.push(...unit.outcome.skipped);
        outcome.poison.push(...unit.outcome.poison);
        settle(unit.slice, unit.outcome.poison, settlement);
        const written = this.commit(unit.set, unit.outcome.assessed, unit.scored, held.next < batch.length);
        // Awaited below, all together; until then a failure must not count as unhandled.
        written.catch(() => undefined);
        writes.push(written);
      }
    } finally {
      this.held.delete(held);
      this.commits.release();
    }
    return { outcome, settlement, written: Promise.all(writes).then(() => undefined) };
  }

  /**
   * The synchronous path: scores this user's queued events, then this one, and returns this
   * one's assessment once everything is committed. An event already assessed gets its stored
   * assessment back, unchanged.
   */
  async assessNow(event: LoginEvent): Promise<{ assessment: Assessment; duplicate: boolean }> {
    const key = eventKey(event);
    const { set, outcome, scored, taken } = await this.exclusive(async () => {
      // This user's events in the part of a batch not scored yet come first (they were queued
      // before anything still waiting in the queue), then those waiting in the queue. Most users
      // have nothing waiting: a read on the other connection spares the write lock.
      const held = this.claimHeld(event.userId);
      const waiting = (await this.options.queue.hasReady(event.userId, this.now()))
        ? await this.options.queue.takeUser(event.userId, this.options.leaseMs, this.now())
        : [];
      const queued = [...held, ...waiting];
      const earlier = queued.filter((q) => eventKey(q.event) !== key);
      const unit = await this.scoreUnit([...earlier, { event }]);
      // The caller answers a login from this: fsync'd before the answer (see GroupCommit).
      unit.set.durable = true;
      return { ...unit, taken: queued };
    });
    try {
      await this.commit(set, outcome.assessed, scored);
    } catch (err) {
      // Taken from the queue (or from the batch) for this: back to the queue now, in order,
      // rather than when their lease runs out.
      await this.options.queue.release(taken).catch(() => undefined);
      throw err;
    }
    // `taken` holds this event too when it was queued already: acked (or failed) with the rest.
    const { finished, poisoned } = settle(taken, outcome.poison);
    if (finished.length > 0) await this.options.queue.ack(finished);
    for (const p of poisoned) await this.options.queue.fail(p.queued, p.error, this.now());
    const failed = outcome.poison.find((p) => eventKey(p) === key);
    if (failed) throw new Error(failed.error);
    const at = scored.indexOf(key);
    const mine = at === -1 ? undefined : outcome.assessed[at];
    if (mine) return { assessment: mine, duplicate: false };
    const stored = await new AssessmentRepository(this.options.db).get(event.eventId, event.timestampMs);
    if (!stored) throw new Error(`event ${event.eventId} was neither scored nor stored`);
    return { assessment: stored, duplicate: true };
  }

  /**
   * Applies admin changes (unlock, feedback…) to a user's state inside the critical section, so
   * they never race with scoring, and commits them with their audit entries.
   */
  async updateUser(
    userId: string,
    changes: readonly UserChange[],
    audit: AuditEntry[],
  ): Promise<UserChangeResult> {
    const { set, result } = await this.exclusive(async () => {
      await this.load([userId]);
      const result = applyUserChanges(this.state, this.pipeline, userId, changes);
      const set = emptyWriteSet(this.generation);
      const profile = this.state.getProfile(userId);
      if (profile) set.profiles.set(userId, encodeProfile(profile));
      // Written now: no need for the next flush to write it again.
      this.dirty.delete(userId);
      set.locks.set(userId, this.state.getLock(userId));
      set.audit.push(...audit);
      set.durable = true;
      return { set, result };
    });
    await this.commits.write(set);
    return result;
  }

  /** The current state of one user, as the scorer sees it. */
  async peek(
    userId: string,
  ): Promise<{ profile: ReturnType<MemoryScoringState['getProfile']>; lock?: LockState }> {
    return this.exclusive(async () => {
      await this.load([userId]);
      const lock = this.state.getLock(userId);
      return { profile: this.state.getProfile(userId), ...(lock ? { lock } : {}) };
    });
  }

  /** Users whose state is cached now. */
  get cachedUsers(): number {
    return this.loaded.size;
  }

  /** Resolves once every write handed in so far is committed. */
  flushed(): Promise<void> {
    return this.commits.flushed();
  }

  /** Writes every changed baseline and waits for all writes: for shutdown. Stops the flush timer. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.stateTimer);
    this.heapAfterGc?.stop();
    await this.flushProfiles();
    await this.commits.flushed();
  }

  /**
   * Writes the baselines changed since they were last written (with `dueOnly`, those that changed
   * at least `profileFlushMs` ago: the timer's way, which spreads the writes evenly instead of one
   * burst per interval), a slice at a time: encoding is the costly part, and the synchronous
   * endpoint waits while the critical section is held. Then drops the least recently used users
   * beyond the cache bound. One flush at a time.
   */
  async flushProfiles(options: { dueOnly?: boolean } = {}): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    this.flushing = this.writeDirty(options.dueOnly === true).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeDirty(dueOnly: boolean): Promise<void> {
    const cutoff = Date.now() - this.flushMs;
    const users: string[] = [];
    // Map order is the order users first changed: the due ones come first.
    for (const [userId, since] of this.dirty) {
      if (dueOnly && since > cutoff) break;
      users.push(userId);
    }
    for (const userId of users) this.dirty.delete(userId);
    // One slice at a time, each committed before the next is encoded: a flush never holds the
    // thread (encoding, then a commit of its rows) for more than a slice's worth, so synchronous
    // assessments get in between (bench/assess-path.mjs: slices merged into one commit of
    // 2,000 baselines held it 20–30 ms, the synchronous endpoint's p99 was 70 ms).
    for (let i = 0; i < users.length; i += FLUSH_SLICE) {
      const slice = users.slice(i, i + FLUSH_SLICE);
      const set = await this.exclusive(async () => {
        const set = emptyWriteSet(this.generation);
        for (const userId of slice) {
          const profile = this.state.getProfile(userId);
          if (profile) set.profiles.set(userId, encodeProfile(profile));
        }
        return set;
      });
      // A failure ends the flush: the cache is forgotten with it (forgetIfStale), so these users
      // are reloaded from what is stored, and the rest of the flush would be refused too.
      await this.commits.write(set);
    }
    await this.evictBeyondBound();
  }

  /** Drops the least recently scored users beyond `maxCachedUsers` whose state is all stored. */
  private async evictBeyondBound(): Promise<void> {
    if (this.loaded.size <= this.maxCachedUsers) return;
    await this.exclusive(async () => {
      // Nothing scored may be in flight: an evicted user is reloaded from what is stored.
      await this.commits.flushed();
      let excess = this.loaded.size - this.maxCachedUsers;
      for (const userId of this.loaded) {
        if (excess <= 0) break;
        if (this.dirty.has(userId)) continue;
        this.loaded.delete(userId);
        this.state.profiles.delete(userId);
        this.state.locks.delete(userId);
        excess--;
      }
    });
  }

  /** Writes a unit's set; `scored` are the keys of the events it assessed (`assessed`, in order). */
  private async commit(
    set: WriteSet,
    assessed: readonly Assessment[],
    scored: readonly string[],
    hold = false,
  ): Promise<void> {
    // On failure the memory is ahead of the store: the next critical section forgets it, `pending`
    // included (forgetIfStale; every refusal comes with a new commit generation).
    await this.commits.write(set, { hold });
    for (const key of scored) this.pending.delete(key);
    if (assessed.length > 0) this.options.onCommitted?.(assessed);
  }

  /**
   * Takes this user's events out of the part of the batch being scored that is not scored yet: the
   * caller scores (and acks) them; the batch skips them.
   */
  private claimHeld(userId: string): QueuedEvent[] {
    const mine: QueuedEvent[] = [];
    for (const held of this.held) {
      for (let i = held.next; i < held.items.length; i++) {
        const item = held.items[i] as QueuedEvent;
        if (item.event.userId === userId && !held.claimed.has(item)) {
          held.claimed.add(item);
          mine.push(item);
        }
      }
    }
    return mine;
  }

  /** One at a time: scoring and the state it reads and writes are never interleaved. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const section = () => {
      this.forgetIfStale();
      return fn();
    };
    const run = this.tail.then(section, section);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * After a failed commit (a new commit generation), drops everything held in memory, as a restart
   * would: cached baselines and locks, write-behind backlog, the cross-user counters, and the
   * events scored but not committed (their writes are refused). Run at the start of every critical
   * section, so nothing is scored on what the failed writes left behind.
   */
  private forgetIfStale(): void {
    if (this.commits.generation === this.generation) return;
    this.generation = this.commits.generation;
    this.state = new MemoryScoringState(this.options.scoring);
    this.loaded.clear();
    this.dirty.clear();
    this.pending.clear();
  }

  private async load(userIds: readonly string[]): Promise<void> {
    const missing: string[] = [];
    for (const userId of new Set(userIds)) {
      // Set order = least recently used first (for eviction): move a hit to the end.
      if (this.loaded.delete(userId)) this.loaded.add(userId);
      else missing.push(userId);
    }
    if (missing.length === 0) return;
    const [profiles, locks] = await Promise.all([
      new ProfileRepository(this.readDb).getMany(missing),
      new LockoutRepository(this.readDb).getMany(missing),
    ]);
    for (const userId of missing) {
      const profile = profiles.get(userId);
      if (profile) this.state.setProfile(userId, profile);
      this.state.setLock(userId, locks.get(userId));
      this.loaded.add(userId);
    }
  }

  /**
   * Scores these events in order (`recorded`: the queue stored it in `events` already, see
   * {@link QueuedEvent}), skipping those assessed already; returns their writes, the outcome, and
   * the keys of the events assessed, in the order of `outcome.assessed`.
   */
  private async scoreUnit(
    items: readonly { event: LoginEvent; recorded?: boolean }[],
  ): Promise<{ set: WriteSet; outcome: BatchOutcome; scored: string[] }> {
    const outcome: BatchOutcome = { assessed: [], skipped: [], poison: [] };
    const scored: string[] = [];
    const set = emptyWriteSet(this.generation);
    // Events are told apart by key: the same id with another time is another event.
    const done = await new AssessmentRepository(this.readDb).existing(items.map((item) => item.event));
    const seen = new Set<string>();
    const fresh: { event: LoginEvent; key: string; recorded: boolean }[] = [];
    let inFlight = false;
    for (const { event, recorded } of items) {
      const key = eventKey(event);
      if (this.pending.has(key)) {
        outcome.skipped.push(event.eventId);
        inFlight = true;
      } else if (done.has(key) || seen.has(key)) {
        outcome.skipped.push(event.eventId);
      } else {
        seen.add(key);
        fresh.push({ event, key, recorded: recorded === true });
      }
    }
    await this.load(fresh.map((f) => f.event.userId));

    const locksBefore = new Map<string, LockState | undefined>();
    const at = this.now();
    for (const { event, key, recorded } of fresh) {
      if (!locksBefore.has(event.userId)) locksBefore.set(event.userId, this.state.getLock(event.userId));
      let assessment: Assessment;
      try {
        assessment = this.pipeline.assess(event, this.state);
      } catch (err) {
        outcome.poison.push({
          eventId: event.eventId,
          timestampMs: event.timestampMs,
          error: err instanceof Error ? err.message : String(err),
        });
        continue;
      }
      outcome.assessed.push(assessment);
      scored.push(key);
      this.pending.add(key);
      if (!recorded) set.events.push(event);
      // The assessment is the decision's audit entry too (src/store/audit-repository.ts).
      set.assessments.push(assessment);
    }
    for (const [userId, before] of locksBefore) {
      if (this.writeBehind) {
        if (!this.dirty.has(userId)) this.dirty.set(userId, Date.now());
      } else {
        const profile = this.state.getProfile(userId);
        if (profile) set.profiles.set(userId, encodeProfile(profile));
      }
      const after = this.state.getLock(userId);
      if (after !== before) {
        set.locks.set(userId, after);
        if (after && (!before || after.lastLockAt !== before.lastLockAt)) {
          set.audit.push({
            at,
            actor: 'loginguard',
            action: 'account.lock',
            target: userId,
            detail: { until: new Date(after.until).toISOString(), lockCount: after.count },
          });
        }
      }
    }
    // A duplicate of an event whose commit is still running: let that commit finish first, so the
    // caller's ack (or read of the stored assessment) comes after it.
    if (inFlight) await this.commits.flushed();
    return { set, outcome, scored };
  }
}

/**
 * Sorts the queued events a unit scored into finished and poisoned (every event of a unit is
 * assessed, skipped as assessed already, or poison), adding to `into`.
 */
function settle(
  items: readonly QueuedEvent[],
  poison: BatchOutcome['poison'],
  into: QueueSettlement = { finished: [], poisoned: [] },
): QueueSettlement {
  const errors = poison.length === 0 ? undefined : new Map(poison.map((p) => [eventKey(p), p.error]));
  for (const queued of items) {
    const error = errors?.get(eventKey(queued.event));
    if (error === undefined) into.finished.push(queued);
    else into.poisoned.push({ queued, error });
  }
  return into;
}

/** A batch being scored a slice at a time: what is scored so far, and what a synchronous assessment took. */
interface HeldBatch {
  items: readonly QueuedEvent[];
  /** Index of the first item not scored yet. */
  next: number;
  /** Items a synchronous assessment took over (scored and acked by it). */
  claimed: Set<QueuedEvent>;
}

/**
 * Events scored per critical section of a batch: ~50 ms of scoring on the reference machine, the
 * longest a synchronous assessment waits behind the worker.
 */
const SCORE_SLICE = 500;

/** How often the cache is trimmed when baselines are written with every batch. */
const DEFAULT_TRIM_MS = 5000;

/** How often `onState` hears the cache and backlog figures. */
const STATE_EVERY_MS = 1000;

/** Baselines per flush transaction: well under a millisecond of encoding, and a short commit. */
const FLUSH_SLICE = 16;
