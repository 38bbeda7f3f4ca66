import type { ScoringConfig } from '../config/scoring-config.js';
import { decayed } from './decay.js';
import { hourOfWeek } from './local-time.js';
import type { LoginObservation } from './login-observation.js';
import { type HabitEntry, homeTimezone, PROFILE_LIMITS, type UserProfile } from './user-profile.js';

const DAY_MS = 86_400_000;
/** Weight of one login in the novelty moving averages: about the last 20 logins count. */
const NOVELTY_ALPHA = 0.05;

/**
 * Teaches the baseline one login the policy let through (DESIGN §1: allowed, or challenged and
 * then confirmed). Mutates and returns `profile`. Failures and denied logins never come here.
 */
export function learnLogin(
  profile: UserProfile,
  obs: LoginObservation,
  config: Pick<ScoringConfig, 'baseline'>,
): UserProfile {
  const halfLife = config.baseline.halfLifeDays * DAY_MS;
  const known = config.baseline.knownWeight;
  const t = obs.t;

  const newDevice = !isKnown(profile.devices[obs.deviceKey], t, halfLife, known);
  const newCountry = obs.country !== undefined && !isKnown(profile.countries[obs.country], t, halfLife, known);
  const newNetwork = !isKnown(profile.networks[obs.networkKey], t, halfLife, known);
  if (profile.learned > 0) {
    profile.novelty.device = ewma(profile.novelty.device, newDevice);
    profile.novelty.country = ewma(profile.novelty.country, newCountry);
    profile.novelty.network = ewma(profile.novelty.network, newNetwork);
  }

  bump(profile.devices, obs.deviceKey, t, halfLife, PROFILE_LIMITS.devices, { label: obs.deviceLabel });
  bump(profile.networks, obs.networkKey, t, halfLife, PROFILE_LIMITS.networks, {});
  if (!obs.locationUnreliable) {
    if (obs.country) bump(profile.countries, obs.country, t, halfLife, PROFILE_LIMITS.countries, {});
    if (obs.cityKey) {
      bump(profile.cities, obs.cityKey, t, halfLife, PROFILE_LIMITS.cities, { lat: obs.lat, lon: obs.lon });
    }
    if (obs.timezone) bump(profile.timezones, obs.timezone, t, halfLife, PROFILE_LIMITS.timezones, {});
    profile.lastLocated = {
      t,
      country: obs.country ?? '',
      city: obs.cityKey,
      lat: obs.lat,
      lon: obs.lon,
      accuracyKm: obs.accuracyKm,
    };
  } else if (obs.country && profile.countries[obs.country]) {
    // A VPN exit in a country the user already lives in keeps that country fresh, nothing more.
    bump(profile.countries, obs.country, t, halfLife, PROFILE_LIMITS.countries, {});
  }

  learnHour(profile, t, halfLife);
  if (obs.sessionDurationSec !== undefined && obs.sessionDurationSec > 0) {
    learnSession(profile, Math.log(obs.sessionDurationSec));
  }
  profile.learned += 1;
  profile.lastSeen = Math.max(profile.lastSeen, t);
  return profile;
}

/** Is this habit entry still known at `t` (its decayed weight above the threshold)? */
export function isKnown(entry: HabitEntry | undefined, t: number, halfLifeMs: number, known: number): boolean {
  return entry !== undefined && decayed(entry.w, entry.t, t, halfLifeMs) >= known;
}

function ewma(previous: number, happened: boolean): number {
  return previous * (1 - NOVELTY_ALPHA) + (happened ? NOVELTY_ALPHA : 0);
}

function bump<E extends HabitEntry>(
  map: Record<string, E>,
  key: string,
  t: number,
  halfLife: number,
  limit: number,
  extra: Omit<E, keyof HabitEntry>,
): void {
  const entry = map[key];
  if (entry) {
    entry.w = decayed(entry.w, entry.t, t, halfLife) + 1;
    entry.t = Math.max(entry.t, t);
    Object.assign(entry, extra);
    return;
  }
  if (Object.keys(map).length >= limit) evictWeakest(map, t, halfLife);
  map[key] = { w: 1, t, f: t, ...extra } as E;
}

function evictWeakest(map: Record<string, HabitEntry>, t: number, halfLife: number): void {
  let weakest: string | undefined;
  let weakestWeight = Number.POSITIVE_INFINITY;
  for (const [key, entry] of Object.entries(map)) {
    const w = decayed(entry.w, entry.t, t, halfLife);
    if (w < weakestWeight) {
      weakest = key;
      weakestWeight = w;
    }
  }
  if (weakest !== undefined) delete map[weakest];
}

function learnHour(profile: UserProfile, t: number, halfLife: number): void {
  const factor = t > profile.hoursT ? 2 ** (-(t - profile.hoursT) / halfLife) : 1;
  if (factor !== 1) {
    for (let i = 0; i < 168; i++) profile.hours[i] = (profile.hours[i] ?? 0) * factor;
    profile.hoursT = t;
  }
  const bucket = hourOfWeek(t, homeTimezone(profile));
  profile.hours[bucket] = (profile.hours[bucket] ?? 0) + 1;
}

function learnSession(profile: UserProfile, logSeconds: number): void {
  const s = profile.session ?? { mean: logSeconds, variance: 1, n: 0 };
  const alpha = Math.max(0.05, 1 / (s.n + 1));
  const delta = logSeconds - s.mean;
  s.mean += alpha * delta;
  s.variance = (1 - alpha) * (s.variance + alpha * delta * delta);
  s.n += 1;
  profile.session = s;
}
