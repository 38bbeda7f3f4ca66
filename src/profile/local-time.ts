/**
 * Local time of an instant in an IANA time zone, fast enough for every event.
 *
 * Intl is slow (several µs per call), so the UTC offset is cached per zone and UTC day: when a
 * zone's offset is the same at both ends of the day (every day but the few with a DST change),
 * one number serves the whole day; on change days the offset is computed per quarter hour (zones
 * with :30 and :45 offsets switch on the quarter hour).
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const QUARTER_MS = HOUR_MS / 4;
/** Day 0 (1970-01-01) was a Thursday: 3 days after a Monday. */
const EPOCH_WEEKDAY_FROM_MONDAY = 3;

const formatters = new Map<string, Intl.DateTimeFormat | null>();
/** zone → UTC day → offset for the whole day, or NaN when the offset changes that day. */
const dayOffsets = new Map<string, Map<number, number>>();
const quarterOffsets = new Map<string, number>();

/** Hour of week, 0 = Monday 00:00 … 167 = Sunday 23:00, in `timeZone` (UTC when absent or unknown). */
export function hourOfWeek(ms: number, timeZone: string | undefined): number {
  const local = ms + utcOffsetMs(ms, timeZone);
  const day = Math.floor(local / DAY_MS);
  const weekday = (((day + EPOCH_WEEKDAY_FROM_MONDAY) % 7) + 7) % 7;
  return weekday * 24 + Math.floor((local - day * DAY_MS) / HOUR_MS);
}

/** Offset of `timeZone` from UTC at `ms`, in ms; 0 for an unknown or absent zone. */
export function utcOffsetMs(ms: number, timeZone: string | undefined): number {
  if (!timeZone) return 0;
  let days = dayOffsets.get(timeZone);
  if (!days) {
    days = new Map();
    dayOffsets.set(timeZone, days);
  }
  const day = Math.floor(ms / DAY_MS);
  let offset = days.get(day);
  if (offset === undefined) {
    const start = computeOffset(day * DAY_MS, timeZone);
    const end = computeOffset((day + 1) * DAY_MS - 1, timeZone);
    offset = start === end ? start : Number.NaN;
    if (days.size > 4096) days.clear();
    days.set(day, offset);
  }
  if (!Number.isNaN(offset)) return offset;
  const key = `${timeZone}|${Math.floor(ms / QUARTER_MS)}`;
  let quarter = quarterOffsets.get(key);
  if (quarter === undefined) {
    quarter = computeOffset(Math.floor(ms / QUARTER_MS) * QUARTER_MS, timeZone);
    if (quarterOffsets.size > 100_000) quarterOffsets.clear();
    quarterOffsets.set(key, quarter);
  }
  return quarter;
}

function computeOffset(ms: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
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
      formatter = null; // not a zone this runtime knows: treat as UTC
    }
    formatters.set(timeZone, formatter);
  }
  if (formatter === null) return 0;
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
  return asUtc - Math.floor(ms / 60_000) * 60_000;
}
