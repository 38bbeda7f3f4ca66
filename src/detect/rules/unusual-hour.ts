import { hoursFromHabit, smoothedHourShare, usualHoursText } from '../../profile/hour-habit.js';
import { hourOfWeek, utcOffsetMs } from '../../profile/local-time.js';
import type { DetectionContext } from '../detection-context.js';
import type { Signal } from '../signal.js';

/**
 * UNUSUAL_HOUR: the hour of day, in the user's home time zone, at which this user (not people in
 * general) almost never logs in. The habit is the user's own decayed hour-of-week histogram folded
 * to hours of the day and smoothed over ±1 h, so a night-shift worker's nights are normal for them.
 * Only once enough logins are learned to trust the habit.
 */
export function unusualHour(ctx: DetectionContext): Signal | undefined {
  const { profile, config, obs } = ctx;
  if (!profile || profile.learned < config.hours.minLogins) return undefined;
  const zone = profile.home ?? obs.timezone;
  const hour = hourOfWeek(obs.t, zone) % 24;
  const hours = profile.hours;
  const total = profile.hoursSum;
  if (total <= 0) return undefined;
  const shareAt = (h: number) => smoothedHourShare(hours, total, h);
  const threshold = config.hours.rareShare / 24;
  let share = shareAt(hour);
  // A traveller keeps office hours where they are: an hour that is usual in the local time of a
  // trustworthy location is not unusual. (An attacker abroad is new in country and device anyway.)
  if (share < threshold && !obs.locationUnreliable && obs.timezone && obs.timezone !== zone) {
    share = Math.max(share, shareAt(hourOfWeek(obs.t, obs.timezone) % 24));
  }
  if (share >= threshold) return undefined;
  // The farther from the hours the user keeps, the stronger: 22:30 for someone who stops at 21:00
  // is an evening, 03:00 is the night.
  const distance = hoursFromHabit(hours, total, hour);
  const score = distance >= 4 ? 0.35 : distance === 3 ? 0.25 : 0.15;
  const minute = new Date(obs.t + utcOffsetMs(obs.t, zone)).getUTCMinutes().toString().padStart(2, '0');
  return {
    code: 'UNUSUAL_HOUR',
    score,
    message: `Login at ${hour.toString().padStart(2, '0')}:${minute} ${zone ?? 'UTC'} time; usually ${usualHoursText(hours, total)}`,
  };
}
