import type { HabitEntry, UserProfile } from './user-profile.js';

/** What {@link unlearnLogin} removed, as `kind:key` strings for the audit log. */
export type Forgotten = string[];

/**
 * Undoes what a login confirmed as an attack taught the baseline: every device, country, city,
 * network and time zone first seen at that login's time (it brought them), and the last located
 * login if it was that one. Weights a known habit gained from it are left: they fade with decay,
 * and removing a device the user really owns would be worse. Mutates `profile`.
 */
export function unlearnLogin(profile: UserProfile, loginTimeMs: number): Forgotten {
  const forgotten: Forgotten = [];
  const sweep = (kind: string, map: Map<string, HabitEntry>) => {
    for (const [key, entry] of map) {
      if (entry.f === loginTimeMs) {
        map.delete(key);
        forgotten.push(`${kind}:${key}`);
      }
    }
  };
  sweep('device', profile.devices);
  sweep('country', profile.countries);
  sweep('city', profile.cities);
  sweep('network', profile.networks);
  sweep('timezone', profile.timezones);
  if (profile.lastLocated?.t === loginTimeMs) {
    profile.lastLocated = undefined;
    forgotten.push('lastLocated');
  }
  return forgotten;
}
