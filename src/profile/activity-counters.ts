import type { ScoringConfig } from '../config/scoring-config.js';
import type { LoginEvent } from '../event/login-event.js';
import { DistinctMembers } from './distinct-members.js';
import { WindowRing } from './window-ring.js';

const MIN_MS = 60_000;
const DAY_MS = 24 * 60 * MIN_MS;

/** Counts around one login, including the login itself, read by the volume detectors. */
export interface ActivitySnapshot {
  /**
   * Failures for this user in the fast / slow window. Failures from the user's own device and
   * network count `lockout.ownDeviceFailureWeight` each (smart lockout), others count 1.
   */
  userFailuresFast: number;
  userFailuresSlow: number;
  /** Failures for this user from this IP in the fast window. */
  userIpFailuresFast: number;
  /** Failures for this user since their last success (before this event), weighted the same way. */
  userFailStreak: number;
  /** Attempts and failures from this IP, and distinct users who failed from it, in the spray window. */
  ipAttempts: number;
  ipFailures: number;
  ipFailedUsers: number;
  /** The same for this exact user agent string, in the stuffing window. */
  agentAttempts: number;
  agentFailures: number;
  agentFailedUsers: number;
  /** Attempts and failures across the whole tenant (application) in the stuffing window. */
  tenantAttempts: number;
  tenantFailures: number;
  /** The tenant's usual failure ratio: a slow moving average of past windows (NaN while unknown). */
  tenantUsualFailureRatio: number;
}

interface TenantActivity {
  attempts: WindowRing;
  failures: WindowRing;
  /** Moving average of the failure ratio of completed windows, and how many went into it. */
  usualRatio: number;
  windows: number;
  /** Start of the window being accumulated for the average. */
  windowStart: number;
  windowAttempts: number;
  windowFailures: number;
}

/** Windows (of the stuffing window's length) averaged into a tenant's usual failure ratio: about 3 days of hours. */
const USUAL_WINDOWS = 72;
/** Windows needed before the usual ratio is trusted. */
const MIN_USUAL_WINDOWS = 24;

/** Failure windows are created on a key's first failure: most users, IPs and clients never fail. */
interface UserActivity {
  failFast: WindowRing | undefined;
  failSlow: WindowRing | undefined;
  streak: number;
  lastMs: number;
}

interface SourceActivity {
  attempts: WindowRing;
  failures: WindowRing | undefined;
  failedUsers: DistinctMembers | undefined;
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
  private readonly tenants = new Map<string, TenantActivity>();
  private readonly fastMs: number;
  private readonly slowMs: number;
  private readonly sprayMs: number;
  private readonly stuffingMs: number;
  /** Failures since the last success are forgotten after a week of silence. */
  private readonly streakTtlMs: number;
  private readonly ownWeight: number;

  constructor(config: Pick<ScoringConfig, 'lockout' | 'spray' | 'stuffing'>) {
    this.ownWeight = config.lockout.ownDeviceFailureWeight;
    this.fastMs = config.lockout.fastWindowMin * MIN_MS;
    this.slowMs = config.lockout.slowWindowHours * 60 * MIN_MS;
    this.sprayMs = config.spray.windowMin * MIN_MS;
    this.stuffingMs = config.stuffing.windowMin * MIN_MS;
    this.streakTtlMs = Math.max(this.slowMs, 7 * DAY_MS);
  }

  /**
   * Counts this event and returns the counts around it. `ownSource`: the login comes from a device
   * and network the user's baseline knows (its failures weigh less towards brute force).
   */
  record(event: LoginEvent, ownSource = false): ActivitySnapshot {
    const { userId, ip, timestampMs: t, success } = event;
    let user = this.users.get(userId);
    if (!user) {
      user = { failFast: undefined, failSlow: undefined, streak: 0, lastMs: t };
      this.users.set(userId, user);
    }
    const userFailStreak = t - user.lastMs < this.streakTtlMs ? user.streak : 0;
    let userIpFailuresFast = 0;
    if (success) {
      user.streak = 0;
    } else {
      const weight = ownSource ? this.ownWeight : 1;
      user.failFast ??= WindowRing.over(this.fastMs, 15);
      user.failSlow ??= WindowRing.over(this.slowMs, 24);
      user.failFast.add(t, weight);
      user.failSlow.add(t, weight);
      user.streak = userFailStreak + weight;
      const key = `${userId}\u0000${ip}`;
      let userIp = this.userIps.get(key);
      if (!userIp) {
        userIp = WindowRing.over(this.fastMs, 15);
        this.userIps.set(key, userIp);
      }
      userIp.add(t);
      userIpFailuresFast = userIp.sum(t);
    }
    user.lastMs = Math.max(user.lastMs, t);
    const { ipEntry, agentEntry, tenant } = this.recordShared(event);

    return {
      userFailuresFast: user.failFast?.sum(t) ?? 0,
      userFailuresSlow: user.failSlow?.sum(t) ?? 0,
      userIpFailuresFast,
      userFailStreak,
      ipAttempts: ipEntry.attempts.sum(t),
      ipFailures: ipEntry.failures?.sum(t) ?? 0,
      ipFailedUsers: ipEntry.failedUsers?.count(t) ?? 0,
      agentAttempts: agentEntry.attempts.sum(t),
      agentFailures: agentEntry.failures?.sum(t) ?? 0,
      agentFailedUsers: agentEntry.failedUsers?.count(t) ?? 0,
      tenantAttempts: tenant.attempts.sum(t),
      tenantFailures: tenant.failures.sum(t),
      tenantUsualFailureRatio: tenant.windows >= MIN_USUAL_WINDOWS ? tenant.usualRatio : Number.NaN,
    };
  }

  /**
   * Counts an event in the windows that span users (per IP, per client, per tenant) only. A replay
   * split across threads by user calls this for the events other threads score, so every thread's
   * cross-user counts are exactly those of a single-threaded run.
   */
  recordShared(event: LoginEvent): {
    ipEntry: SourceActivity;
    agentEntry: SourceActivity;
    tenant: TenantActivity;
  } {
    const { userId, ip, timestampMs: t, success } = event;
    const ipEntry = this.source(this.ips, ip, this.sprayMs, t);
    const agentEntry = this.source(this.agents, event.userAgent ?? '', this.stuffingMs, t);
    const tenant = this.tenant(event.tenant ?? '', t);
    ipEntry.attempts.add(t);
    agentEntry.attempts.add(t);
    tenant.attempts.add(t);
    tenant.windowAttempts++;
    if (!success) {
      this.fail(ipEntry, this.sprayMs, userId, t);
      this.fail(agentEntry, this.stuffingMs, userId, t);
      tenant.failures.add(t);
      tenant.windowFailures++;
    }
    return { ipEntry, agentEntry, tenant };
  }

  /**
   * The tenant's entry, with its usual failure ratio brought up to date: each completed window
   * joins a moving average, capped at twice the average so a campaign does not become "usual".
   */
  private tenant(key: string, t: number): TenantActivity {
    let entry = this.tenants.get(key);
    if (!entry) {
      entry = {
        attempts: WindowRing.over(this.stuffingMs, 12),
        failures: WindowRing.over(this.stuffingMs, 12),
        usualRatio: 0,
        windows: 0,
        windowStart: t,
        windowAttempts: 0,
        windowFailures: 0,
      };
      this.tenants.set(key, entry);
    }
    if (t - entry.windowStart >= this.stuffingMs) {
      if (entry.windowAttempts >= 20) {
        const ratio = entry.windowFailures / entry.windowAttempts;
        const capped = entry.windows >= MIN_USUAL_WINDOWS ? Math.min(ratio, 2 * entry.usualRatio) : ratio;
        const alpha = 1 / Math.min(entry.windows + 1, USUAL_WINDOWS);
        entry.usualRatio += alpha * (capped - entry.usualRatio);
        entry.windows++;
      }
      entry.windowStart = t;
      entry.windowAttempts = 0;
      entry.windowFailures = 0;
    }
    return entry;
  }

  /**
   * Forgets a user's failures (per user and per user+IP), as an admin unlock does: the failures
   * that caused the lock must not lock the account again on its next attempt. Cross-user
   * counters (per IP, per client) keep them: they describe the source, not the user.
   */
  forgetUserFailures(userId: string): void {
    this.users.delete(userId);
    const prefix = `${userId}\u0000`;
    for (const key of this.userIps.keys()) if (key.startsWith(prefix)) this.userIps.delete(key);
  }

  /** Forgets keys with nothing left in their windows as of `t`. */
  prune(t: number): void {
    for (const [key, user] of this.users) if (t - user.lastMs >= this.streakTtlMs) this.users.delete(key);
    for (const [key, ring] of this.userIps) if (t - ring.lastMs >= 2 * this.fastMs) this.userIps.delete(key);
    for (const [key, ip] of this.ips) if (t - ip.lastMs >= this.sprayMs) this.ips.delete(key);
    for (const [key, agent] of this.agents) if (t - agent.lastMs >= this.stuffingMs) this.agents.delete(key);
  }

  private fail(entry: SourceActivity, windowMs: number, userId: string, t: number): void {
    entry.failures ??= WindowRing.over(windowMs, 12);
    entry.failedUsers ??= new DistinctMembers(windowMs);
    entry.failures.add(t);
    entry.failedUsers.add(userId, t);
  }

  private source(map: Map<string, SourceActivity>, key: string, windowMs: number, t: number): SourceActivity {
    let entry = map.get(key);
    if (!entry) {
      entry = {
        attempts: WindowRing.over(windowMs, 12),
        failures: undefined,
        failedUsers: undefined,
        lastMs: t,
      };
      map.set(key, entry);
    }
    entry.lastMs = Math.max(entry.lastMs, t);
    return entry;
  }
}
