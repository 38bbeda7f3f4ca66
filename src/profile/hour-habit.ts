/**
 * Reading a user's hour-of-week histogram (`UserProfile.hours`, Monday 00:00 = bucket 0, total
 * `hoursSum`) as a habit of hours of the day (±1 h smoothing; "usual" = an hour holding ≥ 2% of
 * the logins): what the UNUSUAL_HOUR rule, the features and their explanations all read.
 *
 * These run on every event, so they allocate nothing and read only the hours they need: a login
 * at a usual hour costs 3 hours × 7 days of the histogram, not all 168 buckets (at thousands of
 * users the histogram is rarely in the CPU cache).
 */

/** An hour holding at least this share of the user's logins is one of their usual hours. */
export const ACTIVE_HOUR_SHARE = 0.02;

/** The weight at `hour` of the day (0..23), summed over the seven days of the week. */
export function hourOfDayWeight(hours: ArrayLike<number>, hour: number): number {
  let sum = 0;
  // Indices stay below length, so no `?? 0` (which would cost a check per read).
  for (let i = hour; i < hours.length; i += 24) sum += hours[i] as number;
  return sum;
}

/** Share of the logins at `hour` of the day, smoothed over the hours either side (¼, ½, ¼). */
export function smoothedHourShare(hours: ArrayLike<number>, total: number, hour: number): number {
  if (!(total > 0)) return 0;
  const weight =
    0.25 * hourOfDayWeight(hours, (hour + 23) % 24) +
    0.5 * hourOfDayWeight(hours, hour % 24) +
    0.25 * hourOfDayWeight(hours, (hour + 1) % 24);
  return Math.min(1, weight / total);
}

/** Share of the logins on day `day` of the week (0 = Monday). */
export function dayOfWeekShare(hours: ArrayLike<number>, total: number, day: number): number {
  if (!(total > 0)) return 0;
  let sum = 0;
  const from = day * 24;
  const to = Math.min(from + 24, hours.length);
  for (let i = from; i < to; i++) sum += hours[i] as number; // see hourOfDayWeight: no `?? 0`
  return Math.min(1, sum / total);
}

/** Hours around the clock (0..12) from `hour` to the nearest usual hour; 12 when none is usual. */
export function hoursFromHabit(hours: ArrayLike<number>, total: number, hour: number): number {
  const floor = ACTIVE_HOUR_SHARE * total;
  if (!(total > 0)) return 12;
  if (hourOfDayWeight(hours, hour % 24) >= floor) return 0;
  for (let d = 1; d <= 12; d++) {
    if (hourOfDayWeight(hours, (hour + d) % 24) >= floor) return d;
    if (hourOfDayWeight(hours, (hour - d + 24) % 24) >= floor) return d;
  }
  return 12;
}

/** The usual hours as people read them: "08:00–18:00", "22:00–06:00, 12:00–13:00", "at any hour". */
export function usualHoursText(hours: ArrayLike<number>, total: number): string {
  const floor = ACTIVE_HOUR_SHARE * total;
  const active = (h: number) => total > 0 && hourOfDayWeight(hours, h) >= floor;
  let start = -1;
  for (let h = 0; h < 24 && start < 0; h++) if (!active(h)) start = h;
  if (start < 0) return 'at any hour';
  // Scanning from an inactive hour keeps a run across midnight whole.
  const runs: string[] = [];
  let runStart = -1;
  for (let k = 1; k <= 24; k++) {
    const h = (start + k) % 24;
    if (active(h) && runStart < 0) runStart = h;
    if (!active(h) && runStart >= 0) {
      runs.push(`${clock(runStart)}–${clock(h)}`);
      runStart = -1;
    }
  }
  return runs.length > 0 ? runs.join(', ') : 'no clear habit';
}

function clock(h: number): string {
  return `${h.toString().padStart(2, '0')}:00`;
}
