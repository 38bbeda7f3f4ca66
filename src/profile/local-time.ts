/**
 * Hour of week (0 = Monday 00:00 … 167 = Sunday 23:00) of an instant in an IANA time zone.
 * Intl is slow (microseconds per call), so the UTC offset is cached per zone and UTC hour:
 * offsets only change on the hour or half hour, and a replay sees few distinct hours.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();
const HOUR_MS = 3_600_000;

export function hourOfWeek(ms: number, timeZone: string | undefined): number {
  const local = new Date(ms + utcOffsetMs(ms, timeZone));
  const day = (local.getUTCDay() + 6) % 7;
  return day * 24 + local.getUTCHours();
}

/** Offset of `timeZone` from UTC at `ms`, in ms; 0 for an unknown or absent zone. */
export function utcOffsetMs(ms: number, timeZone: string | undefined): number {
  if (!timeZone) return 0;
  // Keyed on the UTC quarter hour so zones with :30 and :45 offsets switch at the right moment.
  const key = `${timeZone}|${Math.floor(ms / (HOUR_MS / 4))}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const offset = computeOffset(ms, timeZone);
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

function computeOffset(ms: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
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
      return 0;
    }
    formatters.set(timeZone, formatter);
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
  const flooredMs = Math.floor(ms / 60_000) * 60_000;
  return asUtc - flooredMs;
}
