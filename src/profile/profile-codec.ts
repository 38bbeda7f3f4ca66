import type { UserProfile } from './user-profile.js';

const MAP_FIELDS = ['devices', 'countries', 'cities', 'networks', 'timezones'] as const;

/**
 * Profile ⇄ JSON text for stores: habit Maps become objects. Weights are rounded to 4 decimals
 * (habits are fuzzy; full float precision would double the size) and coordinates to 3 (~100 m).
 */
export function encodeProfile(profile: UserProfile): string {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(profile)) {
    if (key === 'hours') continue;
    plain[key] = (MAP_FIELDS as readonly string[]).includes(key)
      ? roundedEntries(value as Map<string, object>)
      : rounded(key, value);
  }
  // The 168 hour weights as integers (× 10⁴): printing a double costs ten times an integer.
  plain.hoursE4 = profile.hours.map((h) => Math.round(h * 1e4));
  // Rounding while copying, not in a JSON.stringify replacer: a replacer is called for every key
  // and costs several times the stringify itself, and profiles are written on every batch.
  return JSON.stringify(plain);
}

function roundedEntries(map: Map<string, object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of map) out[key] = rounded(key, entry);
  return out;
}

function rounded(key: string, value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
    return key === 'lat' || key === 'lon' ? Math.round(value * 1e3) / 1e3 : Math.round(value * 1e4) / 1e4;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => rounded(key, v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rounded(k, v);
    return out;
  }
  return value;
}

/** Reads what `encodeProfile` wrote; throws on anything that is not a version 1 profile. */
export function decodeProfile(text: string): UserProfile {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (Array.isArray(value.hoursE4)) {
    value.hours = (value.hoursE4 as number[]).map((h) => h / 1e4);
    delete value.hoursE4;
  }
  if (value.v !== 1 || !Array.isArray(value.hours) || value.hours.length !== 168) {
    throw new Error(`not a version 1 user profile (v=${String(value.v)})`);
  }
  for (const field of MAP_FIELDS) {
    const entries = value[field];
    value[field] = new Map(typeof entries === 'object' && entries !== null ? Object.entries(entries) : []);
  }
  return value as unknown as UserProfile;
}
