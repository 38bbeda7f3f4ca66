import type { ScoringConfig } from '../config/scoring-config.js';
import type { LoginEvent } from '../event/login-event.js';
import { DistinctMembers } from './distinct-members.js';
import { WindowRing } from './window-ring.js';

const MIN_MS = 60_000;
const DAY_MS = 24 * 60 * MIN_MS;

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

interface UserActivity {
  failFast: WindowRing;
  failSlow: WindowRing;
  streak: number;
  lastMs: number;
}

interface SourceActivity {
  attempts: WindowRing;
  failures: WindowRing;
  users: DistinctMembers;
  failedUsers: DistinctMembers;
  lastMs: number;
}

/**
 * The sliding-window counters that span events: per user, per (user, IP), per IP and per client
 * (exact user-agent string). One map entry per key holds all of that key's windows, so an event
 * costs four map lookups. Keys idle for longer than their windows are dropped by `prune`.
 */
export class ActivityCounters {
  private readonly users = new Map<string, UserActivity>();
  private readonly userIps = new Map<string, WindowRing>();
  private readonly ips = new Map<string, SourceActivity>();
  private readonly agents = new Map<string, SourceActivity>();
  private readonly fastMs: number;
  private readonly slowMs: number;
  private readonly sprayMs: number;
  private readonly stuffingMs: number;
  /** Failures since the last success are forgotten after a week of silence. */
  private readonly streakTtlMs: number;

  constructor(config: Pick<ScoringConfig, 'lockout' | 'spray' | 'stuffing'>) {
    this.fastMs = config.lockout.fastWindowMin * MIN_MS;
    this.slowMs = config.lockout.slowWindowHours * 60 * MIN_MS;
    this.sprayMs = config.spray.windowMin * MIN_MS;
    this.stuffingMs = config.stuffing.windowMin * MIN_MS;
    this.streakTtlMs = Math.max(this.slowMs, 7 * DAY_MS);
  }

  /** Counts this event and returns the counts around it. */
  record(event: LoginEvent): ActivitySnapshot {
    const { userId, ip, timestampMs: t, success } = event;
    const agent = event.userAgent ?? '';

    let user = this.users.get(userId);
    if (!user) {
      user = {
        failFast: WindowRing.over(this.fastMs, 15),
        failSlow: WindowRing.over(this.slowMs, 24),
        streak: 0,
        lastMs: t,
      };
      this.users.set(userId, user);
    }
    const userFailStreak = t - user.lastMs < this.streakTtlMs ? user.streak : 0;
    const ipEntry = this.source(this.ips, ip, this.sprayMs, t);
    const agentEntry = this.source(this.agents, agent, this.stuffingMs, t);
    ipEntry.attempts.add(t);
    ipEntry.users.add(userId, t);
    agentEntry.attempts.add(t);

    let userIpFailuresFast = 0;
    if (success) {
      user.streak = 0;
    } else {
      user.failFast.add(t);
      user.failSlow.add(t);
      user.streak = userFailStreak + 1;
      const key = `${userId}\u0000${ip}`;
      let userIp = this.userIps.get(key);
      if (!userIp) {
        userIp = WindowRing.over(this.fastMs, 15);
        this.userIps.set(key, userIp);
      }
      userIp.add(t);
      userIpFailuresFast = userIp.sum(t);
      ipEntry.failures.add(t);
      ipEntry.failedUsers.add(userId, t);
      agentEntry.failures.add(t);
      agentEntry.failedUsers.add(userId, t);
    }
    user.lastMs = Math.max(user.lastMs, t);

    return {
      userFailuresFast: user.failFast.sum(t),
      userFailuresSlow: user.failSlow.sum(t),
      userIpFailuresFast,
      userFailStreak,
      ipAttempts: ipEntry.attempts.sum(t),
      ipFailures: ipEntry.failures.sum(t),
      ipUsers: ipEntry.users.count(t),
      ipFailedUsers: ipEntry.failedUsers.count(t),
      agentAttempts: agentEntry.attempts.sum(t),
      agentFailures: agentEntry.failures.sum(t),
      agentFailedUsers: agentEntry.failedUsers.count(t),
    };
  }

  /** Forgets keys with nothing left in their windows as of `t`. */
  prune(t: number): void {
    for (const [key, user] of this.users) if (t - user.lastMs >= this.streakTtlMs) this.users.delete(key);
    for (const [key, ring] of this.userIps) if (t - ring.lastMs >= 2 * this.fastMs) this.userIps.delete(key);
    for (const [key, ip] of this.ips) if (t - ip.lastMs >= this.sprayMs) this.ips.delete(key);
    for (const [key, agent] of this.agents) if (t - agent.lastMs >= this.stuffingMs) this.agents.delete(key);
  }

  /** Keys held, for memory reporting. */
  get keys(): number {
    return this.users.size + this.userIps.size + this.ips.size + this.agents.size;
  }

  private source(map: Map<string, SourceActivity>, key: string, windowMs: number, t: number): SourceActivity {
    let entry = map.get(key);
    if (!entry) {
      entry = {
        attempts: WindowRing.over(windowMs, 12),
        failures: WindowRing.over(windowMs, 12),
        users: new DistinctMembers(windowMs),
        failedUsers: new DistinctMembers(windowMs),
        lastMs: t,
      };
      map.set(key, entry);
    }
    entry.lastMs = Math.max(entry.lastMs, t);
    return entry;
  }
}
