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
import { TwoGenerationCache } from './two-generation-cache.js';
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
  /** Per-IP results kept (GeoIP + network); default 50 000 (up to twice that in memory). */
  ipCacheSize?: number;
  /** Per-user-agent results kept; default 50 000 (up to twice that in memory). */
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
 * hits in steady state (per-IP and per-user-agent caches).
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
  const ipCache = new TwoGenerationCache<string, IpResult>(options.ipCacheSize ?? 50_000);
  const uaCache = new TwoGenerationCache<string, ParsedUserAgent>(options.userAgentCacheSize ?? 50_000);

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
      // Objects are built whole (absent fields undefined) so every enrichment has one shape.
      const device: DeviceInfo = {
        browser: ua.browser,
        browserVersion: ua.browserVersion,
        os: ua.os,
        type,
        automated: ua.automated,
        key: deviceKey(event.deviceId, { browser: ua.browser, os: ua.os, type }),
      };
      const geo = event.location !== undefined ? eventGeo(event.location, ipResult.geo) : ipResult.geo;
      return { geo, network: ipResult.network, device };
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
  const geo: GeoLocation = {
    country,
    region,
    city,
    lat: undefined,
    lon: undefined,
    timezone: undefined,
    accuracyKm: city !== undefined ? EVENT_CITY_ACCURACY_KM : EVENT_COUNTRY_ACCURACY_KM,
    source: 'event',
  };
  if (typeof lat === 'number' && typeof lon === 'number') {
    geo.lat = lat;
    geo.lon = lon;
    geo.accuracyKm = EVENT_POINT_ACCURACY_KM;
    // GeoIP's zone serves when it places the address within a few km of the event's point; the
    // polygon lookup is only needed when the event knows better.
    geo.timezone =
      sameCountry && fromIp.timezone !== undefined && near(fromIp, lat, lon)
        ? fromIp.timezone
        : timezoneAt(lat, lon);
  } else if (city !== undefined && sameCountry && fromIp.city?.toLowerCase() === city.toLowerCase()) {
    // Same city as GeoIP says: borrow its point and zone, keep the event's (coarser) accuracy.
    geo.lat = fromIp.lat;
    geo.lon = fromIp.lon;
    geo.timezone = fromIp.timezone;
  }
  return geo;
}

/** Within about 5 km (0.05° of latitude and longitude). */
function near(geo: GeoLocation, lat: number, lon: number): boolean {
  return (
    geo.lat !== undefined &&
    geo.lon !== undefined &&
    Math.abs(geo.lat - lat) < 0.05 &&
    Math.abs(geo.lon - lon) < 0.05
  );
}
