import type { ScoringConfig } from '../config/scoring-config.js';
import type { ActivitySnapshot } from '../profile/activity-counters.js';

/** A user's lock: until when, and how many locks in a row (for the progressive back-off). */
export interface LockState {
  until: number;
  count: number;
  lastLockAt: number;
}

export interface LockoutOutcome {
  /** The state to keep (undefined: nothing to keep). */
  lock: LockState | undefined;
  /** The account is locked for this event: it is denied whatever else is true. */
  locked: boolean;
  /** This event started a lock. */
  started: boolean;
}

const MIN_MS = 60_000;

/**
 * Account lockout on brute force. A user is locked when their failures reach the fast or the
 * slow threshold; the lock lasts `baseDurationMin · multiplier^(n-1)` (capped) for the n-th lock
 * in a row, and n starts again after `resetAfterHours` without a lock. While locked, every
 * attempt is denied, even one with the right password. Pure: the caller keeps the state.
 *
 * `familiar` is true when the login comes from a device and network the user is known to use:
 * once a lock has expired, such a success is not locked again for the failures an attacker left
 * behind (it is challenged instead by the brute-force signal).
 */
export function evaluateLockout(
  previous: LockState | undefined,
  snapshot: ActivitySnapshot,
  t: number,
  success: boolean,
  familiar: boolean,
  config: Pick<ScoringConfig, 'lockout'>,
): LockoutOutcome {
  const c = config.lockout;
  if (!c.enabled) return { lock: previous, locked: false, started: false };
  if (previous && t < previous.until) return { lock: previous, locked: true, started: false };

  const overThreshold =
    snapshot.userFailuresFast >= c.fastFailures || snapshot.userFailuresSlow >= c.slowFailures;
  if (!overThreshold || (success && familiar)) {
    const expired = previous && t - previous.lastLockAt >= c.resetAfterHours * 60 * MIN_MS;
    return { lock: expired ? undefined : previous, locked: false, started: false };
  }
  const inSequence = previous !== undefined && t - previous.lastLockAt < c.resetAfterHours * 60 * MIN_MS;
  const count = inSequence ? previous.count + 1 : 1;
  const durationMin = Math.min(c.baseDurationMin * c.multiplier ** (count - 1), c.maxDurationMin);
  return { lock: { until: t + durationMin * MIN_MS, count, lastLockAt: t }, locked: true, started: true };
}
