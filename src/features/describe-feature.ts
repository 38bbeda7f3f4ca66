import type { DetectionContext } from '../detect/detection-context.js';
import { countryName, formatDuration, formatInt, networkLabel, pct } from '../detect/format.js';
import { hoursFromHabit, usualHoursText } from '../profile/hour-habit.js';
import { hourOfWeek, utcOffsetMs } from '../profile/local-time.js';
import { describeDevice } from '../profile/login-observation.js';
import type { FeatureName } from './feature-names.js';
import { heaviestPlace } from './habit-share.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

type Phrase = (value: number, ctx: DetectionContext | undefined) => string;

/**
 * A short phrase for people about one feature's value, for explanations: the ML detector lists
 * the features that contributed most to an anomaly through it. With the context the login was
 * scored with (the baseline before this login, as detectors see it), phrases name the device,
 * place, network and the user's usual hours; without it they say what the value alone tells.
 * Values are read as extracted (`_log` features are turned back into counts and kilometres).
 *
 * @example
 * describeFeature('travel_log_km', Math.log1p(4200))   // "4,200 km from the last login"
 * describeFeature('device_known', 0, ctx)              // "device never seen (Firefox / Windows / desktop)"
 * describeFeature('hour_distance', 5, ctx)             // "hour 03:10 is 5 h from the usual 08:00–18:00 (Asia/Kolkata)"
 */
export function describeFeature(name: string, value: number, ctx?: DetectionContext): string {
  const phrase = PHRASES[name as FeatureName] as Phrase | undefined;
  if (phrase === undefined || !Number.isFinite(value)) return `${name} = ${value}`;
  return phrase(value, ctx);
}

const PHRASES: Readonly<Record<FeatureName, Phrase>> = {
  hour_share: (v, ctx) => {
    const hour = hourHabit(ctx);
    if (hour === undefined) return `${pct(v)} of the user's logins are near this hour`;
    return `login at ${hour.clock} ${hour.zone} time: ${pct(v)} of the user's logins are near this hour (usually ${hour.usual})`;
  },
  hour_distance: (v, ctx) => {
    const hour = hourHabit(ctx);
    const d = Math.round(v);
    if (hour === undefined)
      return d === 0 ? "at the user's usual hours" : `${d} h from the user's usual hours`;
    return d === 0
      ? `hour ${hour.clock} is within the usual ${hour.usual} (${hour.zone})`
      : `hour ${hour.clock} is ${d} h from the usual ${hour.usual} (${hour.zone})`;
  },
  weekday_share: (v, ctx) => {
    if (ctx === undefined) return `${pct(v)} of the user's logins fall on this day of the week`;
    const zone = ctx.profile?.home ?? ctx.obs.timezone;
    const day = WEEKDAYS[Math.floor(hourOfWeek(ctx.obs.t, zone) / 24)] ?? 'this day';
    return `${pct(v)} of the user's logins fall on a ${day}`;
  },
  device_known: (v, ctx) => {
    const label = ctx ? ` (${describeDevice(ctx.obs.device)})` : '';
    if (v >= 0.5) return `known device${label}`;
    return `${seenBefore(ctx, 'devices') ? 'device not used lately' : 'device never seen'}${label}`;
  },
  device_share: (v, ctx) => {
    const label = ctx ? ` (${describeDevice(ctx.obs.device)})` : '';
    return v > 0
      ? `device used for ${pct(v)} of the user's recent logins${label}`
      : `device never seen${label}`;
  },
  country_known: (v, ctx) => {
    const name = ctx?.obs.country ? countryName(ctx.obs.country) : 'this country';
    if (v >= 0.5) return ctx && !ctx.obs.country ? 'no country for this login' : `known country (${name})`;
    return seenBefore(ctx, 'countries') ? `no login from ${name} lately` : `first login from ${name}`;
  },
  country_share: (v, ctx) => {
    const name = ctx?.obs.country ? countryName(ctx.obs.country) : 'this country';
    return v > 0 ? `${name}: ${pct(v)} of the user's recent logins` : `first login from ${name}`;
  },
  city_known: (v, ctx) => {
    const name = cityName(ctx?.obs.cityKey) ?? 'this city';
    if (v >= 0.5) return `known city (${name})`;
    return seenBefore(ctx, 'cities') ? `no login from ${name} lately` : `first login from ${name}`;
  },
  city_share: (v, ctx) => {
    const name = cityName(ctx?.obs.cityKey) ?? 'this city';
    return v > 0 ? `${name}: ${pct(v)} of the user's recent logins` : `first login from ${name}`;
  },
  network_known: (v, ctx) => {
    const label = ctx ? ` (${networkLabel(ctx.enrichment.network.asn, ctx.enrichment.network.org)})` : '';
    if (v >= 0.5) return `known network${label}`;
    return `${seenBefore(ctx, 'networks') ? 'network not used lately' : 'network never seen'}${label}`;
  },
  network_share: (v, ctx) => {
    const label = ctx ? ` (${networkLabel(ctx.enrichment.network.asn, ctx.enrichment.network.org)})` : '';
    return v > 0
      ? `network used for ${pct(v)} of the user's recent logins${label}`
      : `network never seen${label}`;
  },
  travel_log_km: (v, ctx) => {
    const last = ctx?.profile?.lastLocated;
    const from = last ? ` in ${cityName(last.city) ?? countryName(last.country)}` : '';
    return `${formatInt(Math.expm1(v))} km from the last login${from}`;
  },
  travel_log_kmh: (v, ctx) => {
    const last = ctx?.profile?.lastLocated;
    const since = last ? ` (${formatDuration(Math.abs(ctx.obs.t - last.t))} after it)` : '';
    return `${formatInt(Math.expm1(v))} km/h implied since the last located login${since}`;
  },
  home_log_km: (v, ctx) => {
    const home = ctx ? homeName(ctx) : undefined;
    return `${formatInt(Math.expm1(v))} km from home${home ? ` (${home})` : ''}`;
  },
  travel_missing: (v) =>
    v >= 0.5 ? 'no trustworthy location to compare with the last login' : 'located like the last login',
  gap_log_hours: (v, ctx) => {
    if (ctx !== undefined && ctx.profile === undefined) return "the user's first login";
    return `${formatDuration(Math.expm1(v) * HOUR_MS)} since the user's previous login`;
  },
  user_failures_fast_log: (v, ctx) =>
    `${count(v)} failed logins for this user in ${ctx ? `${ctx.config.lockout.fastWindowMin} min` : 'the fast window'}`,
  user_failures_slow_log: (v, ctx) =>
    `${count(v)} failed logins for this user in ${ctx ? `${ctx.config.lockout.slowWindowHours} h` : 'the slow window'}`,
  user_ip_failures_log: (v, ctx) =>
    `${count(v)} failed logins for this user from this IP in ${ctx ? `${ctx.config.lockout.fastWindowMin} min` : 'the fast window'}`,
  ip_failed_users_log: (v, ctx) =>
    `${ctx ? ctx.event.ip : 'this IP'} failed logins for ${count(v)} users in ${ctx ? `${ctx.config.spray.windowMin} min` : 'the spray window'}`,
  ip_failure_ratio: (v, ctx) =>
    `${pct(v)} of the attempts from ${ctx ? ctx.event.ip : 'this IP'} failed in ${ctx ? `${ctx.config.spray.windowMin} min` : 'the spray window'}`,
  agent_failed_users_log: (v, ctx) =>
    `this client failed logins for ${count(v)} users in ${ctx ? `${ctx.config.stuffing.windowMin} min` : 'the stuffing window'}`,
  agent_failure_ratio: (v, ctx) =>
    `${pct(v)} of this client's attempts failed in ${ctx ? `${ctx.config.stuffing.windowMin} min` : 'the stuffing window'}`,
  tenant_failure_excess: (v, ctx) => {
    const a = ctx?.activity;
    if (a && a.tenantAttempts > 0 && !Number.isNaN(a.tenantUsualFailureRatio)) {
      return `${pct(a.tenantFailures / a.tenantAttempts)} of logins to this application failed (usually ${pct(a.tenantUsualFailureRatio)})`;
    }
    const points = Math.round(v * 100);
    return `application failure rate ${Math.abs(points)} points ${points >= 0 ? 'above' : 'below'} its usual`;
  },
  net_residential: (v) => (v >= 0.5 ? 'through a residential network' : 'not through a residential network'),
  net_mobile: (v) => (v >= 0.5 ? 'through a mobile carrier' : 'not through a mobile carrier'),
  net_hosting: (v, ctx) =>
    v >= 0.5 ? `through a hosting provider's network${networkSuffix(ctx)}` : 'not through a hosting network',
  net_anonymizing: (v, ctx) => {
    if (v < 0.5) return 'not through an anonymizer';
    const kind = ctx?.enrichment.network.anonymizer;
    const what = kind === 'tor' ? 'a Tor exit' : kind === 'vpn' ? 'a VPN service' : 'an anonymizing network';
    return `through ${what}${networkSuffix(ctx)}`;
  },
  device_mobile: (v) => (v >= 0.5 ? 'mobile device' : 'not a mobile device'),
  ua_automated: (v, ctx) => {
    if (v < 0.5) return 'a browser, not a script';
    const name = ctx?.enrichment.device.browser;
    return `scripted client${name ? ` (${name})` : ''} rather than a browser`;
  },
  geo_accuracy_log_km: (v, ctx) =>
    ctx !== undefined && ctx.enrichment.geo === undefined
      ? 'no location for this address'
      : `location accurate to ${formatInt(Math.expm1(v))} km`,
  session_z: (v, ctx) => {
    const seconds = ctx?.obs.sessionDurationSec;
    const session = ctx?.profile?.session;
    if (seconds !== undefined && seconds > 0 && session !== undefined) {
      const usual = Math.exp(session.mean);
      const times = seconds / usual;
      const how =
        times >= 1 ? `${oneDecimal.format(times)}× the` : `1/${oneDecimal.format(1 / times)} of the`;
      return `session of ${formatDuration(seconds * 1000)}, ${how} user's usual ${formatDuration(usual * 1000)}`;
    }
    const z = oneDecimal.format(Math.abs(v));
    return `session length ${z} sd ${v >= 0 ? 'above' : 'below'} the user's usual`;
  },
  session_missing: (v) =>
    v >= 0.5 ? 'no session length to compare with the habit' : 'session length compared with the habit',
  behavioral_score: (v, ctx) =>
    ctx !== undefined && ctx.event.behavioralScore === undefined
      ? 'no behavioural score'
      : `behavioural score ${v.toFixed(2)} (1 = typical for a person)`,
  behavioral_missing: (v) => (v >= 0.5 ? 'no behavioural score sent' : 'behavioural score sent'),
  reported_failures_log: (v) =>
    `the identity provider saw ${formatInt(Math.expm1(v))} failed attempts just before this one`,
  success: (v) => (v >= 0.5 ? 'login succeeded' : 'login failed'),
  profile_maturity: (v, ctx) => {
    if (v >= 1) return 'settled user (learning period over)';
    if (ctx !== undefined) {
      const learned = ctx.profile?.learned ?? 0;
      return learned === 0
        ? 'new user: nothing learned yet'
        : `new user: ${learned} of ${ctx.config.baseline.learningLogins} learning logins`;
    }
    return `new user: ${pct(v)} of the learning period`;
  },
};

/**
 * The hour of this login and the user's usual hours, when the context has an hour habit. The
 * clock is read in the zone the features used: home, or the local zone of a trustworthy
 * location when its hour is nearer the habit (a traveller keeps office hours where they are).
 */
function hourHabit(
  ctx: DetectionContext | undefined,
): { clock: string; zone: string; usual: string } | undefined {
  const profile = ctx?.profile;
  if (ctx === undefined || profile === undefined || !(profile.hoursSum > 0)) return undefined;
  const { obs } = ctx;
  const { hours, hoursSum: total } = profile;
  let zone = profile.home ?? obs.timezone;
  if (!obs.locationUnreliable && obs.timezone !== undefined && obs.timezone !== zone) {
    const home = hoursFromHabit(hours, total, hourOfWeek(obs.t, zone) % 24);
    if (hoursFromHabit(hours, total, hourOfWeek(obs.t, obs.timezone) % 24) < home) zone = obs.timezone;
  }
  const local = new Date(obs.t + utcOffsetMs(obs.t, zone));
  const clock = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  return { clock, zone: zone ?? 'UTC', usual: usualHoursText(hours, total) };
}

/** The baseline holds this login's key at all (faded below "known"), as opposed to never seen. */
function seenBefore(
  ctx: DetectionContext | undefined,
  habit: 'devices' | 'countries' | 'cities' | 'networks',
): boolean {
  const profile = ctx?.profile;
  if (ctx === undefined || profile === undefined) return false;
  const { obs } = ctx;
  const key =
    habit === 'devices'
      ? obs.deviceKey
      : habit === 'countries'
        ? obs.country
        : habit === 'cities'
          ? obs.cityKey
          : obs.networkKey;
  return key !== undefined && profile[habit].has(key);
}

function homeName(ctx: DetectionContext): string | undefined {
  const profile = ctx.profile;
  if (profile === undefined) return undefined;
  const home = heaviestPlace(profile.cities, ctx.obs.t, ctx.config.baseline.halfLifeDays * DAY_MS);
  for (const [key, entry] of profile.cities) if (entry === home) return cityName(key);
  return undefined;
}

/** `CC/City` → `City`. */
function cityName(cityKey: string | undefined): string | undefined {
  if (cityKey === undefined) return undefined;
  const slash = cityKey.indexOf('/');
  return slash >= 0 ? cityKey.slice(slash + 1) : cityKey;
}

function networkSuffix(ctx: DetectionContext | undefined): string {
  return ctx ? ` (${networkLabel(ctx.enrichment.network.asn, ctx.enrichment.network.org)})` : '';
}

/** A count read back from `ln(1 + n)`; failures from the user's own device weigh a fraction. */
function count(v: number): string {
  return oneDecimal.format(Math.round(Math.expm1(v) * 10) / 10);
}

function pad(n: number): string {
  return n.toString().padStart(2, '0');
}
