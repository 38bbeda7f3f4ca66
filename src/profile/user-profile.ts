/**
 * A user's baseline (UEBA): what their own logins look like. Habits are Maps in memory (fast
 * keyed lookups on every event); `profile-codec.ts` turns a profile into JSON for stores. Bounded (at most {@link PROFILE_LIMITS} entries per habit, 168 hour buckets): under
 * 6 KB encoded at its largest (`encodeProfile`; test/profile/user-profile.test.ts measures it).
 */
export interface HabitEntry {
  /** Decayed weight as of `t`. */
  w: number;
  /** Last time seen (epoch ms). */
  t: number;
  /** First time seen (epoch ms). */
  f: number;
}

export interface PlaceEntry extends HabitEntry {
  lat?: number;
  lon?: number;
}

export interface DeviceEntry extends HabitEntry {
  label: string;
}

export interface LastLogin {
  t: number;
  country: string;
  city?: string;
  lat?: number;
  lon?: number;
  accuracyKm: number;
}

export interface UserProfile {
  v: 1;
  /** First and last event seen for the user (epoch ms). */
  firstSeen: number;
  lastSeen: number;
  /** Logins the baseline has learned from (allowed, or challenged then confirmed). */
  learned: number;
  devices: Map<string, DeviceEntry>;
  countries: Map<string, HabitEntry>;
  /** Keyed `CC/City`. */
  cities: Map<string, PlaceEntry>;
  /** Keyed `AS<number>`, or `net:<type>` when the ASN is unknown. */
  networks: Map<string, HabitEntry>;
  timezones: Map<string, HabitEntry>;
  /** The user's home time zone: the one in `timezones` with the most weight (kept by learnLogin). */
  home?: string;
  /**
   * Hour-of-week weights (Monday 00:00 = 0) in the user's home time zone, on the scale of
   * `hoursT` (see learnLogin): compare them with each other, not with other habits' weights.
   */
  hours: number[];
  hoursT: number;
  /** Sum of `hours`, kept with it. */
  hoursSum: number;
  /** Running mean and variance of log(session seconds). */
  session?: { mean: number; variance: number; n: number };
  /** How often this user's learned logins brought something new (moving averages, 0..1). */
  novelty: { device: number; country: number; network: number };
  /** Last learned successful login with a trustworthy location (not via VPN or hosting). */
  lastLocated?: LastLogin;
  /** Learned logins through any anonymizing network (VPN, Tor, proxy), as one decayed habit. */
  anonymized?: HabitEntry;
  /** Learned logins from any hosting or cloud network, as one decayed habit. */
  hosted?: HabitEntry;
}

export const PROFILE_LIMITS = { devices: 12, countries: 12, cities: 16, networks: 16, timezones: 4 } as const;

export function emptyProfile(nowMs: number): UserProfile {
  // Every field is present from the start, optional ones as undefined, so that all profiles share
  // one object shape and the rules' property reads stay monomorphic.
  return {
    v: 1,
    firstSeen: nowMs,
    lastSeen: nowMs,
    learned: 0,
    devices: new Map(),
    countries: new Map(),
    cities: new Map(),
    networks: new Map(),
    timezones: new Map(),
    home: undefined,
    // Packed from the start (not `new Array(168).fill(0)`, which stays holey): V8 then reads it
    // without boxing, and the hour rules read it on every login.
    hours: Array.from({ length: 168 }, () => 0),
    hoursT: nowMs,
    hoursSum: 0,
    session: undefined,
    novelty: { device: 0, country: 0, network: 0 },
    lastLocated: undefined,
    anonymized: undefined,
    hosted: undefined,
  };
}
