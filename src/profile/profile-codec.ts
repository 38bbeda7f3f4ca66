import type { UserProfile } from './user-profile.js';

/**
 * Profile ⇄ JSON text for stores. Weights are rounded to 4 decimals (habits are fuzzy; full
 * float precision would double the size) and coordinates to 3 (about 100 m).
 */
export function encodeProfile(profile: UserProfile): string {
  return JSON.stringify(profile, (key, value: unknown) => {
    if (typeof value !== 'number' || Number.isInteger(value)) return value;
    return key === 'lat' || key === 'lon' ? Math.round(value * 1e3) / 1e3 : Math.round(value * 1e4) / 1e4;
  });
}

export function decodeProfile(text: string): UserProfile {
  const value = JSON.parse(text) as Partial<UserProfile>;
  if (value.v !== 1 || !Array.isArray(value.hours) || value.hours.length !== 168) {
    throw new Error(`not a version 1 user profile (v=${String(value.v)})`);
  }
  return value as UserProfile;
}
