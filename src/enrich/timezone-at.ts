import tzLookup from '@photostructure/tz-lookup';

/**
 * The IANA time zone at a point, from coordinates alone (tz-lookup ships its own compact map,
 * so no database is opened). `undefined` when the coordinates are out of range.
 *
 * @example
 * timezoneAt(19.07, 72.88) // 'Asia/Kolkata'
 */
export function timezoneAt(lat: number, lon: number): string | undefined {
  try {
    return tzLookup(lat, lon);
  } catch {
    return undefined;
  }
}
