import { utcOffsetMs } from '../profile/local-time.js';

/** Milliseconds in an hour and a day, for the simulation's clock arithmetic. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const MINUTE_MS = 60_000;

/**
 * Converts between a person's local wall-clock time and UTC, per IANA zone and calendar day.
 * People live by local time (work 08–18, sleep at night), the dataset speaks UTC; every login
 * time goes through here.
 *
 * The offset is taken once per zone and day, at noon UTC of that day, from the same cached
 * zone arithmetic the scoring uses (`profile/local-time.ts`). The one inaccuracy is on a DST change day, where times before the change are
 * off by the DST step: harmless for a synthetic dataset, and documented in docs/dataset.md.
 *
 * @example
 * const cal = new LocalCalendar(Date.parse('2026-01-05T00:00:00Z'));
 * cal.toUtcMs('Asia/Kolkata', 0, 9.5); // 2026-01-05T04:00:00Z (09:30 in Delhi)
 */
export class LocalCalendar {
  /** UTC midnight of day 0. */
  readonly startMs: number;

  constructor(startMs: number) {
    this.startMs = startMs;
  }

  /** The UTC instant of `localHour` (fractional, may exceed 24 for "after midnight") on local day `day`. */
  toUtcMs(timeZone: string, day: number, localHour: number): number {
    return this.startMs + day * DAY_MS + localHour * HOUR_MS - this.offsetMs(timeZone, day);
  }

  /** Local day index and fractional local hour of a UTC instant. */
  toLocal(timeZone: string, utcMs: number): { day: number; hour: number } {
    const approxDay = Math.floor((utcMs - this.startMs) / DAY_MS);
    const localMs = utcMs - this.startMs + this.offsetMs(timeZone, approxDay);
    const day = Math.floor(localMs / DAY_MS);
    return { day, hour: (localMs - day * DAY_MS) / HOUR_MS };
  }

  /** Day of week of a local day: 0 = Monday … 6 = Sunday. */
  weekday(day: number): number {
    const utcDay = new Date(this.startMs + day * DAY_MS + 12 * HOUR_MS).getUTCDay();
    return (utcDay + 6) % 7;
  }

  /** Offset of the zone from UTC on that day (at noon UTC), in ms (east positive). */
  offsetMs(timeZone: string, day: number): number {
    return utcOffsetMs(this.startMs + day * DAY_MS + 12 * HOUR_MS, timeZone);
  }
}
