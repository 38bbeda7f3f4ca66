import { decayed } from '../profile/decay.js';
import type { HabitEntry, PlaceEntry } from '../profile/user-profile.js';

/**
 * How much of a user's habit one key holds: its decayed weight over the sum of the decayed
 * weights of every entry, 0..1; 0 when the key is absent (without walking the map). Habits hold
 * at most a few dozen entries (`PROFILE_LIMITS`), so the walk is short.
 *
 * @example
 * habitShare(profile.devices, obs.deviceKey, obs.t, halfLifeMs) // 0.8: the usual laptop
 */
export function habitShare(
  habit: ReadonlyMap<string, HabitEntry>,
  key: string,
  t: number,
  halfLifeMs: number,
): number {
  const entry = habit.get(key);
  if (entry === undefined) return 0;
  // Most users have one country, and many one device or city: no decay maths for a sole entry.
  if (habit.size === 1) return 1;
  const own = decayed(entry.w, entry.t, t, halfLifeMs);
  let total = own;
  for (const e of habit.values()) if (e !== entry) total += decayed(e.w, e.t, t, halfLifeMs);
  return total > 0 ? Math.min(1, own / total) : 0;
}

/** The located city with the most decayed weight at `t`: the user's home, as far as logins tell. */
export function heaviestPlace(
  cities: ReadonlyMap<string, PlaceEntry>,
  t: number,
  halfLifeMs: number,
): PlaceEntry | undefined {
  let found: PlaceEntry | undefined;
  let most = 0;
  if (cities.size === 1) {
    for (const e of cities.values()) if (e.lat !== undefined && e.lon !== undefined && e.w > 0) found = e;
    return found;
  }
  for (const e of cities.values()) {
    if (e.lat === undefined || e.lon === undefined) continue;
    const w = decayed(e.w, e.t, t, halfLifeMs);
    if (w > most) {
      found = e;
      most = w;
    }
  }
  return found;
}
