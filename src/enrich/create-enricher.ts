import { LRUCache } from 'lru-cache';
import type { LoginEvent } from '../event/login-event.js';
import { type AnonymizerListSource, type AnonymizerLists, loadAnonymizerLists } from './anonymizer-lists.js';
import { type AsnTable, loadAsnTable } from './asn-table.js';
import { deviceKey } from './device-key.js';
import type { Enricher } from './enricher.js';
import type { DeviceInfo, Enrichment, GeoLocation, NetworkInfo } from './enrichment.js';
import { type GeoIp, openGeoIp } from './geoip.js';
import { isPublicIp, parseIp } from './ip-address.js';
import { classifyNetwork } from './network-type.js';
import { timezoneAt } from './timezone-at.js';
import { type ParsedUserAgent, parseUserAgent } from './user-agent.js';

/** Data sources of the enricher. Every field is optional: the defaults are the bundled databases. */
export interface EnricherOptions {
  /** City `.mmdb` for IPv4 (default: bundled GeoLite2 City from ip-location-db). */
  cityDbV4?: string;
  /** City `.mmdb` for IPv6; a single MaxMind GeoIP2/GeoLite2-City file can serve both (see `openGeoIp`). */
  cityDbV6?: string;
  /** Folder with `asn-ipv4-num.csv` and `asn-ipv6-num.csv` (default: bundled `@ip-location-db/asn`). */
  asnDir?: string;
  /** Operator lists of anonymizer addresses, e.g. the Tor bulk exit list as `{ path, kind: 'tor' }`. */
  anonymizerLists?: AnonymizerListSource[];
  /** Per-IP results kept (GeoIP + network); default 200 000. */
  ipCacheSize?: number;
  /** Per-user-agent results kept; default 50 000. */
  userAgentCacheSize?: number;
  /** An already opened GeoIP (shared with the data generator or between tests); wins over the paths. */
  geoIp?: GeoIp;
  /** An already loaded ASN table; wins over `asnDir`. */
  asnTable?: AsnTable;
}

/** Accuracy of a location the event itself carries (the IdP may know better than GeoIP). */
export const EVENT_POINT_ACCURACY_KM = 10;
export const EVENT_CITY_ACCURACY_KM = 50;
export const EVENT_COUNTRY_ACCURACY_KM = 1000;

interface IpResult {
  geo: GeoLocation | undefined;
  network: NetworkInfo;
}

/** Key for "no user agent sent": cannot collide with a real UA, which is never empty after trimming. */
const NO_USER_AGENT = '\u0000absent';

/**
 * Opens GeoIP and the ASN table once and returns an enricher whose per-event cost is two cache
 * hits in steady state (per-IP and per-user-agent LRU caches).
 *
 * The `geo` and `network` objects it returns are shared between events with the same IP and
 * are frozen: copy before changing them.
 *
 * @example
 * const enricher = createEnricher({ anonymizerLists: [{ path: 'tor-exits.txt', kind: 'tor' }] });
 * enricher.enrich(event).network.type; // 'residential'
 */
export function createEnricher(options: EnricherOptions = {}): Enricher {
  const geoIp = options.geoIp ?? openGeoIp({ cityDbV4: options.cityDbV4, cityDbV6: options.cityDbV6 });
  const asnTable = options.asnTable ?? loadAsnTable({ dir: options.asnDir });
  const lists: AnonymizerLists | undefined =
    options.anonymizerLists !== undefined && options.anonymizerLists.length > 0
      ? loadAnonymizerLists(options.anonymizerLists)
      : undefined;
  const ipCache = new LRUCache<string, IpResult>({ max: options.ipCacheSize ?? 200_000 });
  const uaCache = new LRUCache<string, ParsedUserAgent>({ max: options.userAgentCacheSize ?? 50_000 });

  function lookupIp(ip: string): IpResult {
    let result = ipCache.get(ip);
    if (result === undefined) {
      result = resolveIp(ip, geoIp, asnTable, lists);
      ipCache.set(ip, result);
    }
    return result;
  }

  function lookupUserAgent(ua: string | undefined): ParsedUserAgent {
    const key = ua ?? NO_USER_AGENT;
    let parsed = uaCache.get(key);
    if (parsed === undefined) {
      parsed = Object.freeze(parseUserAgent(ua));
      uaCache.set(key, parsed);
    }
    return parsed;
  }

  return {
    enrich(event: LoginEvent): Enrichment {
      const ipResult = lookupIp(event.ip);
      const ua = lookupUserAgent(event.userAgent);
      const hint = event.deviceType?.trim().toLowerCase();
      const type = hint !== undefined && hint.length > 0 ? hint : ua.type;
      const device: DeviceInfo = {
        type,
        automated: ua.automated,
        key: deviceKey(event.deviceId, { browser: ua.browser, os: ua.os, type }),
      };
      if (ua.browser !== undefined) device.browser = ua.browser;
      if (ua.browserVersion !== undefined) device.browserVersion = ua.browserVersion;
      if (ua.os !== undefined) device.os = ua.os;
      const geo = event.location !== undefined ? eventGeo(event.location, ipResult.geo) : ipResult.geo;
      const enrichment: Enrichment = { network: ipResult.network, device };
      if (geo !== undefined) enrichment.geo = geo;
      return enrichment;
    },
  };
}

function resolveIp(
  ip: string,
  geoIp: GeoIp,
  asnTable: AsnTable,
  lists: AnonymizerLists | undefined,
): IpResult {
  const parsed = parseIp(ip);
  if (parsed === undefined)
    return Object.freeze({ geo: undefined, network: Object.freeze({ type: 'unknown' }) });
  const geo = isPublicIp(parsed) ? geoIp.lookup(parsed.canonical) : undefined;
  const network = classifyNetwork(asnTable.lookupParsed(parsed), parsed, lists);
  return Object.freeze({
    geo: geo === undefined ? undefined : Object.freeze(geo),
    network: Object.freeze(network),
  });
}

/**
 * The event's own location wins over GeoIP. Accuracy follows what it carries: a point 10 km,
 * a city 50 km, a country 1000 km. With a country only, GeoIP's answer is used when it agrees on
 * the country (it is then at least as good, and its source says so); otherwise the country alone.
 */
function eventGeo(
  location: NonNullable<LoginEvent['location']>,
  fromIp: GeoLocation | undefined,
): GeoLocation {
  const country = location.country.toUpperCase();
  const sameCountry = fromIp !== undefined && fromIp.country === country;
  const { lat, lon, city, region } = location;
  if (city === undefined && region === undefined && lat === undefined && lon === undefined && sameCountry) {
    return fromIp;
  }
  const geo: GeoLocation = { country, accuracyKm: EVENT_COUNTRY_ACCURACY_KM, source: 'event' };
  if (region !== undefined) geo.region = region;
  if (city !== undefined) {
    geo.city = city;
    geo.accuracyKm = EVENT_CITY_ACCURACY_KM;
  }
  if (typeof lat === 'number' && typeof lon === 'number') {
    geo.lat = lat;
    geo.lon = lon;
    geo.accuracyKm = EVENT_POINT_ACCURACY_KM;
    const tz = timezoneAt(lat, lon);
    if (tz !== undefined) geo.timezone = tz;
  } else if (city !== undefined && sameCountry && fromIp.city?.toLowerCase() === city.toLowerCase()) {
    // Same city as GeoIP says: borrow its point and zone, keep the event's (coarser) accuracy.
    if (fromIp.lat !== undefined && fromIp.lon !== undefined) {
      geo.lat = fromIp.lat;
      geo.lon = fromIp.lon;
    }
    if (fromIp.timezone !== undefined) geo.timezone = fromIp.timezone;
  }
  return geo;
}
