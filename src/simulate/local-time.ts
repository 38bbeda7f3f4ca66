/** Milliseconds in an hour and a day, for the simulation's clock arithmetic. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const MINUTE_MS = 60_000;

/**
 * Converts between a person's local wall-clock time and UTC, per IANA zone and calendar day.
 * People live by local time (work 08–18, sleep at night), the dataset speaks UTC; every login
 * time goes through here.
 *
 * Intl is slow (microseconds a call), so the offset is computed once per zone and day, at noon
 * UTC of that day. The one inaccuracy is on a DST change day, where times before the change are
 * off by the DST step: harmless for a synthetic dataset, and documented in docs/dataset.md.
 *
 * @example
 * const cal = new LocalCalendar(Date.parse('2026-01-05T00:00:00Z'));
 * cal.toUtcMs('Asia/Kolkata', 0, 9.5); // 2026-01-05T04:00:00Z (09:30 in Delhi)
 */
export class LocalCalendar {
  /** UTC midnight of day 0. */
  readonly startMs: number;
  private readonly offsets = new Map<string, Map<number, number>>();
  private readonly formatters = new Map<string, Intl.DateTimeFormat>();

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

  /** Offset of the zone from UTC on that day, in ms (east positive). */
  offsetMs(timeZone: string, day: number): number {
    let byDay = this.offsets.get(timeZone);
    if (byDay === undefined) {
      byDay = new Map();
      this.offsets.set(timeZone, byDay);
    }
    let offset = byDay.get(day);
    if (offset === undefined) {
      offset = this.computeOffset(timeZone, this.startMs + day * DAY_MS + 12 * HOUR_MS);
      byDay.set(day, offset);
    }
    return offset;
  }

  private computeOffset(timeZone: string, ms: number): number {
    let formatter = this.formatters.get(timeZone);
    if (formatter === undefined) {
      try {
        formatter = new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
        });
      } catch {
        // An unknown zone name: treat as UTC rather than fail a whole run over one city.
        return 0;
      }
      this.formatters.set(timeZone, formatter);
    }
    const parts: Record<string, number> = {};
    for (const part of formatter.formatToParts(new Date(ms))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const asUtc = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
    );
    return asUtc - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  }
}
