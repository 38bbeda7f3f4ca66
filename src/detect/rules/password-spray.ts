import type { DetectionContext } from '../detection-context.js';
import { formatInt, pct } from '../format.js';
import { ramp } from '../score-math.js';
import type { Signal } from '../signal.js';

/**
 * PASSWORD_SPRAY: one IP failing logins for many different users (a few guesses each, to stay
 * under per-user lockouts). Needs most of that IP's attempts to fail, so an office or campus NAT
 * where many colleagues log in successfully never alarms. Every login from a spraying IP carries
 * it, including the one that worked.
 */
export function passwordSpray(ctx: DetectionContext): Signal | undefined {
  const { activity: a, config, event } = ctx;
  const c = config.spray;
  if (a.ipFailedUsers < c.minUsers || a.ipAttempts === 0) return undefined;
  const failureRatio = a.ipFailures / a.ipAttempts;
  if (failureRatio < c.minFailureRatio) return undefined;
  const score = ramp(a.ipFailedUsers, c.minUsers, 0.6, c.minUsers * 2.5, 0.95);
  return {
    code: 'PASSWORD_SPRAY',
    score,
    message: `${event.ip} failed logins for ${formatInt(a.ipFailedUsers)} users in ${c.windowMin} min (${pct(failureRatio)} of its attempts failed)`,
  };
}
