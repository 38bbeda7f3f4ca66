import type { ScoringConfig } from '../config/scoring-config.js';
import { decayed } from './decay.js';
import { hourOfWeek } from './local-time.js';
import { describeDevice, type LoginObservation } from './login-observation.js';
import { type HabitEntry, PROFILE_LIMITS, type UserProfile } from './user-profile.js';

const DAY_MS = 86_400_000;
/** Weight of one login in the novelty moving averages: about the last 20 logins count. */
const NOVELTY_ALPHA = 0.05;
/** Rescale the hour histogram once new logins weigh 2^20 times its reference (20 half-lives). */
const RESCALE_AT = 2 ** 20;

/**
 * Teaches the baseline one login the policy let through (DESIGN §1: allowed, or challenged and
 * then confirmed). Mutates and returns `profile`. Failures and denied logins never come here.
 */
export function learnLogin(
  profile: UserProfile,
  obs: LoginObservation,
  config: Pick<ScoringConfig, 'baseline'>,
  familiar?: { device: boolean; country: boolean; network: boolean },
): UserProfile {
  const halfLife = config.baseline.halfLifeDays * DAY_MS;
  const known = config.baseline.knownWeight;
  const t = obs.t;

  if (profile.learned > 0) {
    const seen = familiar ?? {
      device: isKnown(profile.devices.get(obs.deviceKey), t, halfLife, known),
      country: obs.country === undefined || isKnown(profile.countries.get(obs.country), t, halfLife, known),
      network: isKnown(profile.networks.get(obs.networkKey), t, halfLife, known),
    };
    profile.novelty.device = ewma(profile.novelty.device, !seen.device);
    profile.novelty.country = ewma(profile.novelty.country, obs.country !== undefined && !seen.country);
    profile.novelty.network = ewma(profile.novelty.network, !seen.network);
  }

  if (!touch(profile.devices, obs.deviceKey, t, halfLife)) {
    add(
      profile.devices,
      obs.deviceKey,
      { w: 1, t, f: t, label: describeDevice(obs.device) },
      t,
      halfLife,
      PROFILE_LIMITS.devices,
    );
  }
  bump(profile.networks, obs.networkKey, t, halfLife, PROFILE_LIMITS.networks);
  if (!obs.locationUnreliable) {
    if (obs.country) bump(profile.countries, obs.country, t, halfLife, PROFILE_LIMITS.countries);
    if (obs.cityKey && !touch(profile.cities, obs.cityKey, t, halfLife)) {
      add(
        profile.cities,
        obs.cityKey,
        { w: 1, t, f: t, lat: obs.lat, lon: obs.lon },
        t,
        halfLife,
        PROFILE_LIMITS.cities,
      );
    }
    if (obs.timezone) {
      bump(profile.timezones, obs.timezone, t, halfLife, PROFILE_LIMITS.timezones);
      if (profile.timezones.size > 1 || profile.home === undefined)
        profile.home = heaviest(profile.timezones, t, halfLife);
    }
    const last = profile.lastLocated ?? { t, country: '', accuracyKm: obs.accuracyKm };
    last.t = t;
    last.country = obs.country ?? '';
    last.city = obs.cityKey;
    last.lat = obs.lat;
    last.lon = obs.lon;
    last.accuracyKm = obs.accuracyKm;
    profile.lastLocated = last;
  } else if (obs.country && profile.countries.has(obs.country)) {
    // A VPN exit in a country the user already lives in keeps that country fresh, nothing more.
    bump(profile.countries, obs.country, t, halfLife, PROFILE_LIMITS.countries);
  }

  if (obs.networkType === 'anonymizing') profile.anonymized = sighted(profile.anonymized, t, halfLife);
  if (obs.networkType === 'hosting') profile.hosted = sighted(profile.hosted, t, halfLife);
  learnHour(profile, t, halfLife);
  if (obs.sessionDurationSec !== undefined && obs.sessionDurationSec > 0) {
    learnSession(profile, Math.log(obs.sessionDurationSec));
  }
  profile.learned += 1;
  profile.lastSeen = Math.max(profile.lastSeen, t);
  return profile;
}

/** Is this habit entry still known at `t` (its decayed weight above the threshold)? */
export function isKnown(
  entry: HabitEntry | undefined,
  t: number,
  halfLifeMs: number,
  known: number,
): boolean {
  return entry !== undefined && decayed(entry.w, entry.t, t, halfLifeMs) >= known;
}

function ewma(previous: number, happened: boolean): number {
  return previous * (1 - NOVELTY_ALPHA) + (happened ? NOVELTY_ALPHA : 0);
}

/** One more sighting of a single habit. */
function sighted(entry: HabitEntry | undefined, t: number, halfLife: number): HabitEntry {
  if (!entry) return { w: 1, t, f: t };
  entry.w = decayed(entry.w, entry.t, t, halfLife) + 1;
  entry.t = Math.max(entry.t, t);
  return entry;
}

/** Adds one sighting to an existing entry; false when there is none. */
function touch(map: Map<string, HabitEntry>, key: string, t: number, halfLife: number): boolean {
  const entry = map.get(key);
  if (!entry) return false;
  entry.w = decayed(entry.w, entry.t, t, halfLife) + 1;
  entry.t = Math.max(entry.t, t);
  return true;
}

/** Inserts a new entry, evicting the weakest when the map is at its limit. */
function add<E extends HabitEntry>(
  map: Map<string, E>,
  key: string,
  entry: E,
  t: number,
  halfLife: number,
  limit: number,
): void {
  if (map.size >= limit) {
    const weakest = lightest(map, t, halfLife);
    if (weakest !== undefined) map.delete(weakest);
  }
  map.set(key, entry);
}

function bump(map: Map<string, HabitEntry>, key: string, t: number, halfLife: number, limit: number): void {
  if (!touch(map, key, t, halfLife)) add(map, key, { w: 1, t, f: t }, t, halfLife, limit);
}

function lightest(map: Map<string, HabitEntry>, t: number, halfLife: number): string | undefined {
  let found: string | undefined;
  let least = Number.POSITIVE_INFINITY;
  for (const [key, entry] of map) {
    const w = decayed(entry.w, entry.t, t, halfLife);
    if (w < least) {
      found = key;
      least = w;
    }
  }
  return found;
}

function heaviest(map: Map<string, HabitEntry>, t: number, halfLife: number): string | undefined {
  let found: string | undefined;
  let most = 0;
  for (const [key, entry] of map) {
    const w = decayed(entry.w, entry.t, t, halfLife);
    if (w > most) {
      found = key;
      most = w;
    }
  }
  return found;
}

/**
 * Adds one login to the hour-of-week histogram without touching the other 167 buckets: weights
 * are kept on the scale of `hoursT` (a login at t adds 2^((t − hoursT)/halfLife)), which decays
 * the past relative to the present exactly as multiplying every bucket would. Readers use shares,
 * so the scale never matters; it is reset before it can overflow.
 */
function learnHour(profile: UserProfile, t: number, halfLife: number): void {
  let weight = 2 ** ((t - profile.hoursT) / halfLife);
  if (weight > RESCALE_AT) {
    for (let i = 0; i < 168; i++) profile.hours[i] = (profile.hours[i] ?? 0) / weight;
    profile.hoursSum /= weight;
    profile.hoursT = t;
    weight = 1;
  }
  const bucket = hourOfWeek(t, profile.home);
  profile.hours[bucket] = (profile.hours[bucket] ?? 0) + weight;
  profile.hoursSum += weight;
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
