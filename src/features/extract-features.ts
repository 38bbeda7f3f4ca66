import type { DetectionContext } from '../detect/detection-context.js';
import { greatCircleKm } from '../detect/great-circle.js';
import { dayOfWeekShare, hoursFromHabit, smoothedHourShare } from '../profile/hour-habit.js';
import { hourOfWeek } from '../profile/local-time.js';
import {
  COUNT_CAP,
  FEATURE_INDEX as F,
  FEATURE_COUNT,
  MAX_DISTANCE_KM,
  MAX_GAP_HOURS,
  SESSION_Z_MAX,
} from './feature-names.js';
import { habitShare, heaviestPlace } from './habit-share.js';

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Learned session lengths before the user's habit is compared with (the first ones set the mean). */
const MIN_SESSIONS = 3;
/** Floor on the variance of ln(session seconds): a very regular user still varies by ±25%. */
const MIN_SESSION_VARIANCE = 0.05;
/** Tenant windows with fewer attempts than this say nothing about a surge. */
const MIN_TENANT_ATTEMPTS = 20;
const HOUR_NEUTRAL = 1 / 24;
const WEEKDAY_NEUTRAL = 1 / 7;
const GEO_MISSING_LOG_KM = Math.log1p(1000);

/**
 * Writes the feature vector of one login (docs/features.md; order, names and ranges in
 * `feature-names.ts`) into `out[offset … offset + FEATURE_COUNT)`. Reads the context as the
 * detectors see it (the baseline before this login). Built to run on every event: no object,
 * array, string or closure is allocated, and a login at a usual hour reads 52 of the 168 hour
 * buckets. Every value is finite and inside its feature's documented range.
 *
 * @example
 * const row = new Float32Array(FEATURE_COUNT);
 * const detectors = [...RULE_DETECTORS, (ctx) => { extractFeatures(ctx, row); return undefined; }];
 *
 * @throws RangeError when `out` has no room for the vector at `offset`.
 */
export function extractFeatures(ctx: DetectionContext, out: Float32Array | Float64Array, offset = 0): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + FEATURE_COUNT > out.length) {
    throw new RangeError(
      `feature vector needs ${FEATURE_COUNT} slots at offset ${offset}; the array has ${out.length}`,
    );
  }
  const { event, enrichment, obs, profile, activity: a, familiar, config } = ctx;
  const t = obs.t;
  const halfLifeMs = config.baseline.halfLifeDays * DAY_MS;
  const o = offset;

  writeHourHabit(ctx, out, o);

  // Novelty and frequency. A login without a country has nothing new to say about places.
  if (profile) {
    out[o + F.device_known] = familiar.device ? 1 : 0;
    out[o + F.device_share] = habitShare(profile.devices, obs.deviceKey, t, halfLifeMs);
    out[o + F.network_known] = familiar.network ? 1 : 0;
    out[o + F.network_share] = habitShare(profile.networks, obs.networkKey, t, halfLifeMs);
  } else {
    out[o + F.device_known] = 0;
    out[o + F.device_share] = 0;
    out[o + F.network_known] = 0;
    out[o + F.network_share] = 0;
  }
  let countryKnown = 1;
  let countryShare = 1;
  if (obs.country !== undefined) {
    countryKnown = familiar.country ? 1 : 0;
    countryShare = profile ? habitShare(profile.countries, obs.country, t, halfLifeMs) : 0;
  }
  out[o + F.country_known] = countryKnown;
  out[o + F.country_share] = countryShare;
  if (obs.cityKey !== undefined) {
    out[o + F.city_known] = familiar.city ? 1 : 0;
    out[o + F.city_share] = profile ? habitShare(profile.cities, obs.cityKey, t, halfLifeMs) : 0;
  } else {
    out[o + F.city_known] = countryKnown;
    out[o + F.city_share] = countryShare;
  }

  writeTravel(ctx, halfLifeMs, out, o);

  out[o + F.gap_log_hours] = profile
    ? Math.log1p(clamp((t - profile.lastSeen) / HOUR_MS, 0, MAX_GAP_HOURS))
    : 0;

  out[o + F.user_failures_fast_log] = logCount(a.userFailuresFast);
  out[o + F.user_failures_slow_log] = logCount(a.userFailuresSlow);
  out[o + F.user_ip_failures_log] = logCount(a.userIpFailuresFast);
  out[o + F.ip_failed_users_log] = logCount(a.ipFailedUsers);
  out[o + F.ip_failure_ratio] = ratio(a.ipFailures, a.ipAttempts);
  out[o + F.agent_failed_users_log] = logCount(a.agentFailedUsers);
  out[o + F.agent_failure_ratio] = ratio(a.agentFailures, a.agentAttempts);
  out[o + F.tenant_failure_excess] =
    Number.isNaN(a.tenantUsualFailureRatio) || a.tenantAttempts < MIN_TENANT_ATTEMPTS
      ? 0
      : clamp(ratio(a.tenantFailures, a.tenantAttempts) - a.tenantUsualFailureRatio, -1, 1);

  const net = obs.networkType;
  out[o + F.net_residential] = net === 'residential' ? 1 : 0;
  out[o + F.net_mobile] = net === 'mobile' ? 1 : 0;
  out[o + F.net_hosting] = net === 'hosting' ? 1 : 0;
  out[o + F.net_anonymizing] = net === 'anonymizing' ? 1 : 0;
  const { device } = enrichment;
  out[o + F.device_mobile] = device.type === 'mobile' || device.type === 'tablet' ? 1 : 0;
  out[o + F.ua_automated] = device.automated ? 1 : 0;
  out[o + F.geo_accuracy_log_km] =
    enrichment.geo === undefined
      ? GEO_MISSING_LOG_KM
      : Math.log1p(clamp(enrichment.geo.accuracyKm, 0, MAX_DISTANCE_KM));

  const seconds = obs.sessionDurationSec;
  const session = profile?.session;
  if (seconds !== undefined && seconds > 0 && session !== undefined && session.n >= MIN_SESSIONS) {
    const sd = Math.sqrt(Math.max(session.variance, MIN_SESSION_VARIANCE));
    out[o + F.session_z] = clamp((Math.log(seconds) - session.mean) / sd, -SESSION_Z_MAX, SESSION_Z_MAX);
    out[o + F.session_missing] = 0;
  } else {
    out[o + F.session_z] = 0;
    out[o + F.session_missing] = 1;
  }
  const behaviour = event.behavioralScore;
  out[o + F.behavioral_score] = behaviour === undefined ? 1 : clamp(behaviour, 0, 1);
  out[o + F.behavioral_missing] = behaviour === undefined ? 1 : 0;
  out[o + F.reported_failures_log] = logCount(event.failedAttempts ?? 0);
  out[o + F.success] = event.success ? 1 : 0;
  out[o + F.profile_maturity] = clamp(ctx.maturity, 0, 1);
}

/**
 * The hour habit, as UNUSUAL_HOUR reads it: this hour in the user's home zone, or in the local
 * zone of a trustworthy location when that is more usual (a traveller keeps office hours where
 * they are). Neutral until `hours.minLogins` logins are learned.
 */
function writeHourHabit(ctx: DetectionContext, out: Float32Array | Float64Array, o: number): void {
  const { profile, obs, config } = ctx;
  const total = profile?.hoursSum ?? 0;
  if (!profile || profile.learned < config.hours.minLogins || !(total > 0)) {
    out[o + F.hour_share] = HOUR_NEUTRAL;
    out[o + F.hour_distance] = 0;
    out[o + F.weekday_share] = WEEKDAY_NEUTRAL;
    return;
  }
  const zone = profile.home ?? obs.timezone;
  const week = hourOfWeek(obs.t, zone);
  const hour = week % 24;
  let share = smoothedHourShare(profile.hours, total, hour);
  let distance = hoursFromHabit(profile.hours, total, hour);
  let weekday = dayOfWeekShare(profile.hours, total, Math.floor(week / 24));
  if (!obs.locationUnreliable && obs.timezone !== undefined && obs.timezone !== zone) {
    const localWeek = hourOfWeek(obs.t, obs.timezone);
    const local = localWeek % 24;
    share = Math.max(share, smoothedHourShare(profile.hours, total, local));
    distance = Math.min(distance, hoursFromHabit(profile.hours, total, local));
    weekday = Math.max(weekday, dayOfWeekShare(profile.hours, total, Math.floor(localWeek / 24)));
  }
  out[o + F.hour_share] = share;
  out[o + F.hour_distance] = distance;
  out[o + F.weekday_share] = weekday;
}

/**
 * Distance and implied speed from the last located login, as IMPOSSIBLE_TRAVEL computes them
 * (speed after both locations' uncertainty, over at least a minute), and distance from home.
 * Only between trustworthy locations: a VPN exit says nothing about where the person is.
 */
function writeTravel(
  ctx: DetectionContext,
  halfLifeMs: number,
  out: Float32Array | Float64Array,
  o: number,
): void {
  const { obs, profile, config } = ctx;
  const last = profile?.lastLocated;
  const lat = obs.lat;
  const lon = obs.lon;
  if (
    !profile ||
    !last ||
    last.lat === undefined ||
    last.lon === undefined ||
    obs.locationUnreliable ||
    lat === undefined ||
    lon === undefined
  ) {
    out[o + F.travel_log_km] = 0;
    out[o + F.travel_log_kmh] = 0;
    out[o + F.home_log_km] = 0;
    out[o + F.travel_missing] = 1;
    return;
  }
  const km = clamp(greatCircleKm(last.lat, last.lon, lat, lon), 0, MAX_DISTANCE_KM);
  const uncertainty =
    last.accuracyKm + obs.accuracyKm + (obs.networkType === 'mobile' ? config.travel.mobileExtraKm : 0);
  const hours = Math.max(Math.abs(obs.t - last.t), MIN_MS) / HOUR_MS;
  out[o + F.travel_log_km] = Math.log1p(km);
  out[o + F.travel_log_kmh] = Math.log1p(Math.max(0, km - uncertainty) / hours);
  const home = heaviestPlace(profile.cities, obs.t, halfLifeMs);
  out[o + F.home_log_km] =
    home?.lat !== undefined && home.lon !== undefined
      ? Math.log1p(clamp(greatCircleKm(home.lat, home.lon, lat, lon), 0, MAX_DISTANCE_KM))
      : 0;
  out[o + F.travel_missing] = 0;
}

function logCount(n: number): number {
  return Math.log1p(clamp(n, 0, COUNT_CAP));
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? clamp(part / whole, 0, 1) : 0;
}

/** Clamps into [lo, hi]; NaN becomes `lo`, so no NaN ever reaches a model. */
function clamp(x: number, lo: number, hi: number): number {
  return x > lo ? Math.min(x, hi) : lo;
}
