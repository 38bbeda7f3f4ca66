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
  const at = (h: number) => {
    const hourOfDay = (h + 24) % 24;
    let sum = 0;
    for (let day = 0; day < 7; day++) sum += hours[day * 24 + hourOfDay] ?? 0;
    return sum;
  };
  const shareAt = (h: number) => (0.25 * at(h - 1) + 0.5 * at(h) + 0.25 * at(h + 1)) / total;
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
  const byHour = foldToDay(hours);
  const distance = hoursFromHabit(byHour, total, hour);
  const score = distance >= 4 ? 0.35 : distance === 3 ? 0.25 : 0.15;
  const minute = new Date(obs.t + utcOffsetMs(obs.t, zone)).getUTCMinutes().toString().padStart(2, '0');
  return {
    code: 'UNUSUAL_HOUR',
    score,
    message: `Login at ${hour.toString().padStart(2, '0')}:${minute} ${zone ?? 'UTC'} time; usually ${usualHours(byHour, total)}`,
  };
}

/** Hours (around the clock) from `hour` to the nearest hour holding ≥ 2% of the user's logins. */
function hoursFromHabit(byHour: readonly number[], total: number, hour: number): number {
  for (let d = 0; d <= 12; d++) {
    if ((byHour[(hour + d) % 24] ?? 0) >= ACTIVE_SHARE * total) return d;
    if ((byHour[(hour - d + 24) % 24] ?? 0) >= ACTIVE_SHARE * total) return d;
  }
  return 12;
}

function foldToDay(hours: readonly number[]): number[] {
  const out = new Array<number>(24).fill(0);
  for (let i = 0; i < hours.length; i++) out[i % 24] = (out[i % 24] ?? 0) + (hours[i] ?? 0);
  return out;
}

/** An hour holding at least this share of the user's logins is one of their usual hours. */
const ACTIVE_SHARE = 0.02;

/** "08–18" style ranges of the hours holding the user's logins (each hour ≥ 2% of them). */
function usualHours(byHour: readonly number[], total: number): string {
  const active = byHour.map((w) => w >= ACTIVE_SHARE * total);
  const runs: string[] = [];
  // Start scanning right after an inactive hour so a run across midnight stays whole.
  const start = active.indexOf(false);
  if (start < 0) return 'at any hour';
  let runStart = -1;
  for (let k = 1; k <= 24; k++) {
    const h = (start + k) % 24;
    if (active[h] && runStart < 0) runStart = h;
    if (!active[h] && runStart >= 0) {
      runs.push(`${pad(runStart)}–${pad(h)}`);
      runStart = -1;
    }
  }
  return runs.length ? runs.join(', ') : 'no clear habit';
}

function pad(h: number): string {
  return `${h.toString().padStart(2, '0')}:00`;
}
