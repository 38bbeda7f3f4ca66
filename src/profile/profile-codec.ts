import type { UserProfile } from './user-profile.js';

const MAP_FIELDS = ['devices', 'countries', 'cities', 'networks', 'timezones'] as const;

/**
 * Profile ⇄ JSON text for stores: habit Maps become objects. Weights are rounded to 4 decimals
 * (habits are fuzzy; full float precision would double the size) and coordinates to 3 (~100 m).
 */
export function encodeProfile(profile: UserProfile): string {
  const plain: Record<string, unknown> = { ...profile };
  for (const field of MAP_FIELDS) plain[field] = Object.fromEntries(profile[field]);
  return JSON.stringify(plain, (key, value: unknown) => {
    if (typeof value !== 'number' || Number.isInteger(value)) return value;
    return key === 'lat' || key === 'lon' ? Math.round(value * 1e3) / 1e3 : Math.round(value * 1e4) / 1e4;
  });
}

/** Reads what `encodeProfile` wrote; throws on anything that is not a version 1 profile. */
export function decodeProfile(text: string): UserProfile {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (value.v !== 1 || !Array.isArray(value.hours) || value.hours.length !== 168) {
    throw new Error(`not a version 1 user profile (v=${String(value.v)})`);
  }
  for (const field of MAP_FIELDS) {
    const entries = value[field];
    value[field] = new Map(typeof entries === 'object' && entries !== null ? Object.entries(entries) : []);
  }
  return value as unknown as UserProfile;
}
