import type { DetectionContext } from '../detection-context.js';
import { formatInt } from '../format.js';
import { ramp } from '../score-math.js';
import type { Signal } from '../signal.js';

/**
 * BRUTE_FORCE: many failed logins for this user, fast (the lockout window) or slow (low-and-slow
 * guessing over a day), or a long run of failures since their last success. A success after such a
 * run is the guess that worked. A typo or a forgotten password (a handful of failures) stays below
 * the start. When the success comes from the user's own device and network it is challenged rather
 * than denied: the owner, not the guesser, most likely.
 */
export function bruteForce(ctx: DetectionContext): Signal | undefined {
  const { activity: a, config, event, familiar } = ctx;
  const bf = config.bruteForce;
  const lock = config.lockout;
  const fast = ramp(a.userFailuresFast, bf.fastStart - 1, 0, lock.fastFailures, 0.9);
  const slow = ramp(a.userFailuresSlow, bf.slowStart - 1, 0, lock.slowFailures, 0.9);
  const streak = ramp(a.userFailStreak, bf.slowStart - 1, 0, lock.slowFailures, 0.9);
  let score = Math.max(fast, slow, streak);
  if (score <= 0) return undefined;
  if (a.userFailuresFast >= 2 * lock.fastFailures || a.userFailuresSlow >= 2 * lock.slowFailures) {
    score = Math.max(score, 0.97);
  }
  if (event.success && familiar.device && familiar.network) score = Math.min(score, 0.7);

  const message =
    fast >= slow && fast >= streak
      ? `${formatInt(a.userFailuresFast)} failed logins for this user in ${lock.fastWindowMin} min (${formatInt(a.userIpFailuresFast)} from this IP)`
      : slow >= streak
        ? `${formatInt(a.userFailuresSlow)} failed logins for this user in ${lock.slowWindowHours} h`
        : `${formatInt(a.userFailStreak)} failed logins since this user's last success`;
  return { code: 'BRUTE_FORCE', score, message };
}
