/**
 * The numeric feature vector the anomaly models read: its order, names, ranges and the value
 * each feature takes when what it measures is missing. `extract-features.ts` writes it;
 * docs/features.md explains every feature (a test checks that each is there).
 *
 * Model files store {@link FEATURE_NAMES} and {@link FEATURE_SCHEMA_VERSION} and refuse to load
 * when either differs from the running code: a model trained on one layout reads garbage from
 * another. Bump the version whenever a feature's meaning, range or position changes.
 */

/** What one feature is: its name, bounded range, neutral value when missing, and meaning. */
export interface FeatureSpec {
  /** snake_case, stable: model files store it. */
  name: string;
  /** Every extracted value lies in [min, max]. */
  min: number;
  max: number;
  /** The value written when what the feature measures is absent (a new user, no location…). */
  missing: number;
  /** One line for people; docs/features.md says more. */
  meaning: string;
}

/** Counts are capped here before `log1p`, so every count feature lies in [0, ln(1 + 100 000)]. */
export const COUNT_CAP = 100_000;
const LOG_COUNT_MAX = Math.log1p(COUNT_CAP);
/** Half the earth's circumference: no two points are farther apart. */
export const MAX_DISTANCE_KM = 20_038;
const LOG_KM_MAX = Math.log1p(MAX_DISTANCE_KM);
/** Speeds are computed over at least one minute, so none exceeds this. */
const LOG_KMH_MAX = Math.log1p(MAX_DISTANCE_KM * 60);
/** Time since the last login is capped at ten years. */
export const MAX_GAP_HOURS = 10 * 365.25 * 24;
/** Session z-scores are clamped to ±6. */
export const SESSION_Z_MAX = 6;

/**
 * Every feature, in vector order. Binary features are 0/1; `_log` features are `ln(1 + x)` of a
 * non-negative quantity; shares are in 0..1.
 */
export const FEATURES = [
  // Time habit (the user's home time zone; the local zone too when the location is trustworthy).
  {
    name: 'hour_share',
    min: 0,
    max: 1,
    missing: 1 / 24,
    meaning:
      "share of the user's logins at this hour of day (±1 h smoothed); 1/24 until the habit is trusted",
  },
  {
    name: 'hour_distance',
    min: 0,
    max: 12,
    missing: 0,
    meaning: "hours around the clock from this hour to the nearest of the user's usual hours",
  },
  {
    name: 'weekday_share',
    min: 0,
    max: 1,
    missing: 1 / 7,
    meaning: "share of the user's logins on this day of the week; 1/7 until the habit is trusted",
  },
  // Novelty (the baseline knows it: decayed weight ≥ baseline.knownWeight) and frequency (decayed weight share).
  { name: 'device_known', min: 0, max: 1, missing: 0, meaning: 'the baseline knows this device' },
  {
    name: 'device_share',
    min: 0,
    max: 1,
    missing: 0,
    meaning: "this device's share of the user's decayed device weight",
  },
  {
    name: 'country_known',
    min: 0,
    max: 1,
    missing: 1,
    meaning: 'the baseline knows this country (1 when the login has no location)',
  },
  {
    name: 'country_share',
    min: 0,
    max: 1,
    missing: 1,
    meaning: "this country's share of the user's decayed country weight (1 when no location)",
  },
  {
    name: 'city_known',
    min: 0,
    max: 1,
    missing: 1,
    meaning: "the baseline knows this city (the country's value when the city is unknown)",
  },
  {
    name: 'city_share',
    min: 0,
    max: 1,
    missing: 1,
    meaning: "this city's share of the user's decayed city weight (the country's when no city)",
  },
  { name: 'network_known', min: 0, max: 1, missing: 0, meaning: 'the baseline knows this network (ASN)' },
  {
    name: 'network_share',
    min: 0,
    max: 1,
    missing: 0,
    meaning: "this network's share of the user's decayed network weight",
  },
  // Travel, from trustworthy locations only (not behind a VPN or hosting, accuracy under 500 km).
  {
    name: 'travel_log_km',
    min: 0,
    max: LOG_KM_MAX,
    missing: 0,
    meaning: 'ln(1 + km) from the last located login',
  },
  {
    name: 'travel_log_kmh',
    min: 0,
    max: LOG_KMH_MAX,
    missing: 0,
    meaning: 'ln(1 + km/h) implied since the last located login, after both locations’ uncertainty',
  },
  {
    name: 'home_log_km',
    min: 0,
    max: LOG_KM_MAX,
    missing: 0,
    meaning: "ln(1 + km) from the user's heaviest city",
  },
  {
    name: 'travel_missing',
    min: 0,
    max: 1,
    missing: 1,
    meaning: 'no trustworthy location now or no located login before: the three travel features are 0',
  },
  {
    name: 'gap_log_hours',
    min: 0,
    max: Math.log1p(MAX_GAP_HOURS),
    missing: 0,
    meaning: "ln(1 + hours) since the user's previous event the baseline saw",
  },
  // Volume (sliding windows, including this event).
  {
    name: 'user_failures_fast_log',
    min: 0,
    max: LOG_COUNT_MAX,
    missing: 0,
    meaning: 'ln(1 + failures for this user in lockout.fastWindowMin), smart-lockout weighted',
  },
  {
    name: 'user_failures_slow_log',
    min: 0,
    max: LOG_COUNT_MAX,
    missing: 0,
    meaning: 'ln(1 + failures for this user in lockout.slowWindowHours), smart-lockout weighted',
  },
  {
    name: 'user_ip_failures_log',
    min: 0,
    max: LOG_COUNT_MAX,
    missing: 0,
    meaning: 'ln(1 + failures for this user from this IP in the fast window)',
  },
  {
    name: 'ip_failed_users_log',
    min: 0,
    max: LOG_COUNT_MAX,
    missing: 0,
    meaning: 'ln(1 + distinct users failing from this IP in spray.windowMin)',
  },
  {
    name: 'ip_failure_ratio',
    min: 0,
    max: 1,
    missing: 0,
    meaning: 'failures / attempts from this IP in spray.windowMin',
  },
  {
    name: 'agent_failed_users_log',
    min: 0,
    max: LOG_COUNT_MAX,
    missing: 0,
    meaning: 'ln(1 + distinct users failing with this exact user agent in stuffing.windowMin)',
  },
  {
    name: 'agent_failure_ratio',
    min: 0,
    max: 1,
    missing: 0,
    meaning: 'failures / attempts with this exact user agent in stuffing.windowMin',
  },
  {
    name: 'tenant_failure_excess',
    min: -1,
    max: 1,
    missing: 0,
    meaning: "tenant's failure ratio in stuffing.windowMin minus its usual ratio; 0 while unknown",
  },
  // Network and client.
  { name: 'net_residential', min: 0, max: 1, missing: 0, meaning: 'network type is residential' },
  { name: 'net_mobile', min: 0, max: 1, missing: 0, meaning: 'network type is mobile' },
  { name: 'net_hosting', min: 0, max: 1, missing: 0, meaning: 'network type is hosting / cloud' },
  {
    name: 'net_anonymizing',
    min: 0,
    max: 1,
    missing: 0,
    meaning: 'network type is anonymizing (VPN, Tor, proxy)',
  },
  { name: 'device_mobile', min: 0, max: 1, missing: 0, meaning: 'device type is mobile or tablet' },
  {
    name: 'ua_automated',
    min: 0,
    max: 1,
    missing: 0,
    meaning: 'the user agent is a script or headless browser',
  },
  {
    name: 'geo_accuracy_log_km',
    min: 0,
    max: LOG_KM_MAX,
    missing: Math.log1p(1000),
    meaning: 'ln(1 + radius in km) of the location; ln(1001) when there is none',
  },
  // What the event itself says.
  {
    name: 'session_z',
    min: -SESSION_Z_MAX,
    max: SESSION_Z_MAX,
    missing: 0,
    meaning: "(ln session seconds − user's mean) / user's sd, clamped to ±6",
  },
  {
    name: 'session_missing',
    min: 0,
    max: 1,
    missing: 1,
    meaning: 'no session length, or fewer than 3 learned ones: session_z is 0',
  },
  {
    name: 'behavioral_score',
    min: 0,
    max: 1,
    missing: 1,
    meaning: "the event's behavioural score (1 = typical); 1 when absent",
  },
  {
    name: 'behavioral_missing',
    min: 0,
    max: 1,
    missing: 1,
    meaning: 'the event carries no behavioural score',
  },
  {
    name: 'reported_failures_log',
    min: 0,
    max: LOG_COUNT_MAX,
    missing: 0,
    meaning: "ln(1 + the event's failedAttempts); 0 when absent",
  },
  { name: 'success', min: 0, max: 1, missing: 0, meaning: 'the login succeeded' },
  {
    name: 'profile_maturity',
    min: 0,
    max: 1,
    missing: 0,
    meaning: 'learned logins / baseline.learningLogins, capped at 1; 0 for a new user',
  },
] as const satisfies readonly FeatureSpec[];

/** A feature's name. */
export type FeatureName = (typeof FEATURES)[number]['name'];

/** The feature names in vector order: what model files store and compare. */
export const FEATURE_NAMES: readonly FeatureName[] = Object.freeze(FEATURES.map((f) => f.name));

/** Length of one feature vector. */
export const FEATURE_COUNT = FEATURES.length;

/**
 * Version of the layout and meaning of the vector. Model files store it with
 * {@link FEATURE_NAMES}; bump it when a feature changes meaning or range even if its name stays.
 */
export const FEATURE_SCHEMA_VERSION = 1;

/** Position of each feature in the vector. */
export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.freeze(
  Object.fromEntries(FEATURES.map((f, i) => [f.name, i])) as Record<FeatureName, number>,
);

const BY_NAME: ReadonlyMap<string, FeatureSpec> = new Map(FEATURES.map((f) => [f.name, f]));

/** The spec of a feature by name, or undefined for a name this version does not have. */
export function featureSpec(name: string): FeatureSpec | undefined {
  return BY_NAME.get(name);
}
