import type { ScoringConfig } from '../config/scoring-config.js';
import type { LoginEvent } from '../event/login-event.js';
import { DistinctWindow } from './distinct-window.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';

const MIN_MS = 60_000;

/** Counts around one login, including the login itself, read by the volume detectors. */
export interface ActivitySnapshot {
  /** Failures for this user in the fast / slow window. */
  userFailuresFast: number;
  userFailuresSlow: number;
  /** Failures for this user from this IP in the fast window. */
  userIpFailuresFast: number;
  /** Failures for this user since their last success (before this event). */
  userFailStreak: number;
  /** Attempts and failures from this IP, and distinct users behind them, in the spray window. */
  ipAttempts: number;
  ipFailures: number;
  ipUsers: number;
  ipFailedUsers: number;
  /** The same for this exact user agent string, in the stuffing window. */
  agentAttempts: number;
  agentFailures: number;
  agentFailedUsers: number;
}

/**
 * The sliding-window counters that span events: per user, per IP, per (user, IP), per client
 * fingerprint. Bounded: keys idle for a window are pruned (call `prune` now and then).
 */
export class ActivityCounters {
  private readonly userFailFast: SlidingWindowCounter;
  private readonly userFailSlow: SlidingWindowCounter;
  private readonly userIpFailFast: SlidingWindowCounter;
  private readonly ipAttempts: SlidingWindowCounter;
  private readonly ipFailures: SlidingWindowCounter;
  private readonly ipUsers: DistinctWindow;
  private readonly ipFailedUsers: DistinctWindow;
  private readonly agentAttempts: SlidingWindowCounter;
  private readonly agentFailures: SlidingWindowCounter;
  private readonly agentFailedUsers: DistinctWindow;
  private readonly streaks = new Map<string, { n: number; t: number }>();
  private readonly streakTtlMs: number;

  constructor(config: Pick<ScoringConfig, 'lockout' | 'spray' | 'stuffing'>) {
    const fast = config.lockout.fastWindowMin * MIN_MS;
    const slow = config.lockout.slowWindowHours * 60 * MIN_MS;
    const spray = config.spray.windowMin * MIN_MS;
    const stuffing = config.stuffing.windowMin * MIN_MS;
    this.userFailFast = new SlidingWindowCounter(fast);
    this.userFailSlow = new SlidingWindowCounter(slow, 24);
    this.userIpFailFast = new SlidingWindowCounter(fast);
    this.ipAttempts = new SlidingWindowCounter(spray, 12);
    this.ipFailures = new SlidingWindowCounter(spray, 12);
    this.ipUsers = new DistinctWindow(spray);
    this.ipFailedUsers = new DistinctWindow(spray);
    this.agentAttempts = new SlidingWindowCounter(stuffing, 12);
    this.agentFailures = new SlidingWindowCounter(stuffing, 12);
    this.agentFailedUsers = new DistinctWindow(stuffing);
    this.streakTtlMs = Math.max(slow, 7 * 24 * 60 * MIN_MS);
  }

  /** Counts this event and returns the counts around it. */
  record(event: LoginEvent): ActivitySnapshot {
    const { userId, ip, timestampMs: t } = event;
    const agent = event.userAgent ?? '';
    const userIp = `${userId}\u0000${ip}`;
    const streak = this.streaks.get(userId);
    const userFailStreak = streak && t - streak.t < this.streakTtlMs ? streak.n : 0;

    this.ipAttempts.add(ip, t);
    this.ipUsers.add(ip, userId, t);
    this.agentAttempts.add(agent, t);
    if (event.success) {
      this.streaks.delete(userId);
    } else {
      this.userFailFast.add(userId, t);
      this.userFailSlow.add(userId, t);
      this.userIpFailFast.add(userIp, t);
      this.ipFailures.add(ip, t);
      this.ipFailedUsers.add(ip, userId, t);
      this.agentFailures.add(agent, t);
      this.agentFailedUsers.add(agent, userId, t);
      this.streaks.set(userId, { n: userFailStreak + 1, t });
    }

    return {
      userFailuresFast: this.userFailFast.sum(userId, t),
      userFailuresSlow: this.userFailSlow.sum(userId, t),
      userIpFailuresFast: this.userIpFailFast.sum(userIp, t),
      userFailStreak,
      ipAttempts: this.ipAttempts.sum(ip, t),
      ipFailures: this.ipFailures.sum(ip, t),
      ipUsers: this.ipUsers.count(ip, t),
      ipFailedUsers: this.ipFailedUsers.count(ip, t),
      agentAttempts: this.agentAttempts.sum(agent, t),
      agentFailures: this.agentFailures.sum(agent, t),
      agentFailedUsers: this.agentFailedUsers.count(agent, t),
    };
  }

  /** Forgets keys with nothing left in their windows as of `t`. */
  prune(t: number): void {
    for (const counter of [
      this.userFailFast,
      this.userFailSlow,
      this.userIpFailFast,
      this.ipAttempts,
      this.ipFailures,
      this.agentAttempts,
      this.agentFailures,
    ]) {
      counter.prune(t);
    }
    for (const distinct of [this.ipUsers, this.ipFailedUsers, this.agentFailedUsers]) distinct.prune(t);
    for (const [user, streak] of this.streaks)
      if (t - streak.t >= this.streakTtlMs) this.streaks.delete(user);
  }

  /** Number of keys held, for memory reporting. */
  get keys(): number {
    return this.userFailSlow.size + this.ipAttempts.size + this.agentAttempts.size + this.streaks.size;
  }
}
