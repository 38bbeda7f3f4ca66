import type { DetectionContext } from '../detection-context.js';
import { ramp } from '../score-math.js';
import type { Signal } from '../signal.js';

/**
 * REPORTED_FAILED_ATTEMPTS: the identity provider says it saw failed attempts just before this
 * one (failures loginguard may never have been sent). One or two are typos; from three on it
 * counts. Silent when loginguard itself already counted at least as many (BRUTE_FORCE covers them).
 */
export function reportedFailedAttempts(ctx: DetectionContext): Signal | undefined {
  const n = ctx.event.failedAttempts;
  if (n === undefined || n < 3 || ctx.activity.userFailStreak >= n) return undefined;
  return {
    code: 'REPORTED_FAILED_ATTEMPTS',
    score: ramp(n, 3, 0.15, 10, 0.8),
    message: `The identity provider saw ${n} failed attempts just before this one`,
  };
}
