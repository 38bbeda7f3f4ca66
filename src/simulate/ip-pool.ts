import type { AsnRange, AsnTable } from '../enrich/asn-table.js';
import type { GeoLocation } from '../enrich/enrichment.js';
import type { GeoIp } from '../enrich/geoip.js';
import { type ParsedIp, v4IntToString } from '../enrich/ip-address.js';
import { classifyNetwork } from '../enrich/network-type.js';
import type { Rng } from '../util/random.js';

/** The kinds of network the generator draws addresses from. */
export type PoolNetwork = 'residential' | 'mobile' | 'hosting' | 'vpn' | 'tor';

/** The `location` a record carries: exactly what GeoIP says for the record's address. */
export interface RecordLocation {
  country: string;
  region?: string;
  city: string;
  lat?: number;
  lon?: number;
}

/** A city as GeoIP knows it, with the networks found there. */
export interface PoolCity {
  id: number;
  /** `country|region|city`: two Portlands stay two cities. */
  key: string;
  country: string;
  region?: string;
  name: string;
  lat: number;
  lon: number;
  /** IANA zone from GeoIP (or from the coordinates when GeoIP has none). */
  timezone: string;
  residential: PoolBlock[];
  mobile: PoolBlock[];
  hosting: PoolBlock[];
  /** Commercial VPN and Tor exits located here. */
  anonymizing: PoolBlock[];
}

/**
 * At most 256 addresses of one ASN range that GeoIP places in one city: the probe's /24 within
 * the range. Drawing inside a /24 rather than a whole ISP block keeps addresses in the city the
 * probe found (GeoIP data is mostly per /24 or coarser), so verification rarely has to retry.
 */
export interface PoolBlock {
  start: number;
  end: number;
  asn: number;
  org: string;
  network: PoolNetwork;
  city: PoolCity;
  /** The probed address, known to geolocate to `city`: the fallback when random draws do not. */
  probeIp: string;
  probeInt: number;
  probeLocation: RecordLocation;
}

/** An address to put in a record, with the location GeoIP gives it. */
export interface PickedIp {
  ip: string;
  location: RecordLocation;
  block: PoolBlock;
}

/** Networks of one country. */
export interface PoolCountry {
  code: string;
  /** Cities with residential networks, most residential blocks first. */
  cities: PoolCity[];
  mobile: PoolBlock[];
  hosting: PoolBlock[];
}

/** How long building took and what was found, for the CLI summary. */
export interface IpPoolStats {
  /** Time spent walking, classifying and probing ranges (the databases are opened by the caller). */
  buildMs: number;
  asnRanges: number;
  probes: number;
  blocks: Record<PoolNetwork, number>;
  cities: number;
}

/** Just the slice of the enrichment the pool needs (STYLE 3): GeoIP and the ASN table. */
export interface IpPoolSources {
  geoIp: Pick<GeoIp, 'lookup'>;
  asnTable: Pick<AsnTable, 'ipv4Ranges'>;
}

/**
 * Which ranges are probed. Probing is one GeoIP lookup (about 10 µs) and the table has 411k
 * ranges, so the pool probes what a simulation can use and skips the rest, deterministically:
 * - residential: every third range of ASNs announcing at least a /14 in total, i.e. real access
 *   ISPs (the long tail of small ASNs is mostly companies, universities and regional operators);
 *   a third still finds tens of thousands of blocks in thousands of cities;
 * - hosting: every other range (there are far more than any run needs);
 * - mobile, VPN, Tor: every range (they are scarce).
 * A large range gets one probe per /16-sized slice, up to {@link MAX_PROBES_PER_RANGE}: an ISP's
 * big block usually spans several cities.
 */
const ISP_MIN_ADDRESSES = 1 << 18;
const RESIDENTIAL_STRIDE = 3;
const HOSTING_STRIDE = 2;
const MAX_PROBES_PER_RANGE = 4;
const SLICE_ADDRESSES = 1 << 16;
/**
 * Where {@link IpPool.pick} draws, in order: host bits of the window around the probe and draws
 * in it (a /24, then a /26, then a /28), before falling back to the probe address itself.
 */
const NARROWING: readonly (readonly [number, number])[] = [
  [8, 4],
  [6, 2],
  [4, 2],
];

/**
 * Real, routable IPv4 addresses indexed by city and network type, built from the project's own
 * ASN table, network classifier and GeoIP database, so that every address the generator emits
 * geolocates (through `openGeoIp().lookup`) to the place the generator meant.
 *
 * @example
 * const pool = buildIpPool({ geoIp: openGeoIp(), asnTable: loadAsnTable() });
 * const city = pool.countries.get('IN')!.cities[0]!;
 * pool.pick(rng, rng.pick(city.residential)); // { ip: '49.36.…', location: { country: 'IN', city: 'Mumbai', … } }
 */
export class IpPool {
  readonly cities: PoolCity[];
  readonly countries: ReadonlyMap<string, PoolCountry>;
  readonly hosting: PoolBlock[];
  readonly vpn: PoolBlock[];
  readonly tor: PoolBlock[];
  /** All blocks per ASN, in table order: "another address of the same ISP". */
  readonly byAsn: ReadonlyMap<number, PoolBlock[]>;
  readonly stats: IpPoolStats;
  private readonly geoIp: Pick<GeoIp, 'lookup'>;
  private readonly located = new Map<string, RecordLocation | null>();
  private readonly handedOut = new Map<string, PoolBlock>();
  private fallbacks = 0;

  constructor(
    geoIp: Pick<GeoIp, 'lookup'>,
    parts: {
      cities: PoolCity[];
      countries: Map<string, PoolCountry>;
      hosting: PoolBlock[];
      vpn: PoolBlock[];
      tor: PoolBlock[];
      byAsn: Map<number, PoolBlock[]>;
      stats: IpPoolStats;
    },
  ) {
    this.geoIp = geoIp;
    this.cities = parts.cities;
    this.countries = parts.countries;
    this.hosting = parts.hosting;
    this.vpn = parts.vpn;
    this.tor = parts.tor;
    this.byAsn = parts.byAsn;
    this.stats = parts.stats;
  }

  /**
   * A random address of the block that GeoIP still places in the block's city (checked, with a
   * few retries, then the probe address itself), with that GeoIP location.
   */
  pick(rng: Rng, block: PoolBlock): PickedIp {
    // Random addresses in the /24, then in ever smaller aligned windows around the probe: GeoIP
    // sometimes splits a /24 between cities, and the probe's own network is the safest bet.
    const probe = block.probeInt;
    for (const [bits, tries] of NARROWING) {
      const mask = (0xffffffff << bits) >>> 0;
      const base = (probe & mask) >>> 0;
      const lo = Math.max(block.start, base + 1);
      const hi = Math.min(block.end, base + (2 ** bits - 2));
      if (hi <= lo) continue;
      for (let attempt = 0; attempt < tries; attempt++) {
        const ip = v4IntToString((lo + Math.floor(rng.float() * (hi - lo + 1))) >>> 0);
        const location = this.locate(ip);
        if (location !== undefined && sameCity(location, block.city)) {
          this.handedOut.set(ip, block);
          return { ip, location, block };
        }
      }
    }
    this.fallbacks++;
    this.handedOut.set(block.probeIp, block);
    return { ip: block.probeIp, location: block.probeLocation, block };
  }

  /** Picks that fell back to the probe address (every random draw landed in another city). */
  get fallbackCount(): number {
    return this.fallbacks;
  }

  /** The block an address handed out by {@link pick} came from (tests and reports: which network). */
  blockOf(ip: string): PoolBlock | undefined {
    return this.handedOut.get(ip);
  }

  /** The record location GeoIP gives an address (cached: sticky home and office addresses repeat). */
  locate(ip: string): RecordLocation | undefined {
    const cached = this.located.get(ip);
    if (cached !== undefined) return cached ?? undefined;
    const geo = this.geoIp.lookup(ip);
    const location = geo === undefined ? undefined : toRecordLocation(geo);
    this.located.set(ip, location ?? null);
    return location;
  }
}

/**
 * Walks the ASN table once, in table order (so the pool, and every dataset drawn from it, is
 * deterministic), classifies each range with `classifyNetwork`, probes the useful ones with
 * GeoIP, and keeps those that geolocate to a city.
 */
export function buildIpPool(sources: IpPoolSources): IpPool {
  const began = performance.now();
  const { geoIp } = sources;
  const ranges: AsnRange[] = [];
  const asnAddresses = new Map<number, number>();
  for (const range of sources.asnTable.ipv4Ranges()) {
    ranges.push(range);
    asnAddresses.set(range.asn, (asnAddresses.get(range.asn) ?? 0) + (range.end - range.start + 1));
  }

  const networkOfAsn = new Map<number, PoolNetwork | null>();
  const citiesByKey = new Map<string, PoolCity>();
  const cities: PoolCity[] = [];
  const hosting: PoolBlock[] = [];
  const vpn: PoolBlock[] = [];
  const tor: PoolBlock[] = [];
  const byAsn = new Map<number, PoolBlock[]>();
  const blocks: Record<PoolNetwork, number> = { residential: 0, mobile: 0, hosting: 0, vpn: 0, tor: 0 };
  let hostingSeen = 0;
  let residentialSeen = 0;
  let probes = 0;

  for (const range of ranges) {
    const network = classify(range, networkOfAsn);
    if (network === null) continue;
    if (network === 'residential') {
      if ((asnAddresses.get(range.asn) ?? 0) < ISP_MIN_ADDRESSES) continue;
      if (residentialSeen++ % RESIDENTIAL_STRIDE !== 0) continue;
    }
    if (network === 'hosting' && hostingSeen++ % HOSTING_STRIDE !== 0) continue;

    const size = range.end - range.start + 1;
    const count = Math.max(1, Math.min(MAX_PROBES_PER_RANGE, Math.floor(size / SLICE_ADDRESSES)));
    let lastBlockStart = -1;
    for (let p = 0; p < count; p++) {
      let probeInt = range.start + Math.floor((size * (2 * p + 1)) / (2 * count));
      // Not the .0 or .255 of a /24: addresses people never get, and odd in a login record.
      if ((probeInt & 0xff) === 0 && probeInt < range.end) probeInt++;
      else if ((probeInt & 0xff) === 0xff && probeInt > range.start) probeInt--;
      const blockStart = Math.max(range.start, slash24(probeInt));
      if (blockStart === lastBlockStart) continue;
      lastBlockStart = blockStart;
      probes++;
      const probeIp = v4IntToString(probeInt >>> 0);
      const geo = geoIp.lookup(probeIp);
      if (geo?.city === undefined || geo.lat === undefined || geo.lon === undefined) continue;
      const location = toRecordLocation(geo);
      if (location === undefined) continue;
      const city = cityFor(geo, location, citiesByKey, cities);
      const block: PoolBlock = {
        start: blockStart,
        end: Math.min(range.end, slash24(blockStart) + 255),
        asn: range.asn,
        org: range.org,
        network,
        city,
        probeIp,
        probeInt,
        probeLocation: location,
      };
      blocks[network]++;
      let ofAsn = byAsn.get(range.asn);
      if (ofAsn === undefined) {
        ofAsn = [];
        byAsn.set(range.asn, ofAsn);
      }
      ofAsn.push(block);
      switch (network) {
        case 'residential':
          city.residential.push(block);
          break;
        case 'mobile':
          city.mobile.push(block);
          break;
        case 'hosting':
          city.hosting.push(block);
          hosting.push(block);
          break;
        case 'vpn':
          city.anonymizing.push(block);
          vpn.push(block);
          break;
        case 'tor':
          city.anonymizing.push(block);
          tor.push(block);
          break;
        default: {
          const never: never = network;
          throw new Error(`unexpected network ${String(never)}`);
        }
      }
    }
  }

  const countries = new Map<string, PoolCountry>();
  for (const city of cities) {
    let country = countries.get(city.country);
    if (country === undefined) {
      country = { code: city.country, cities: [], mobile: [], hosting: [] };
      countries.set(city.country, country);
    }
    if (city.residential.length > 0) country.cities.push(city);
    country.mobile.push(...city.mobile);
    country.hosting.push(...city.hosting);
  }
  for (const country of countries.values()) {
    // Ties broken by id (first seen in table order) so the ranking is deterministic.
    country.cities.sort((a, b) => b.residential.length - a.residential.length || a.id - b.id);
  }

  return new IpPool(geoIp, {
    cities,
    countries,
    hosting,
    vpn,
    tor,
    byAsn,
    stats: {
      buildMs: performance.now() - began,
      asnRanges: ranges.length,
      probes,
      blocks,
      cities: cities.length,
    },
  });
}

/**
 * The pool network of an ASN, classified once per ASN: without operator lists the classifier
 * decides on the ASN and org alone, so one answer holds for every range of the ASN. The address
 * passed is the range start, pre-parsed as public unicast to skip a second parse; a range that
 * is not public after all never survives the GeoIP probe (GeoIP answers nothing for it).
 */
function classify(range: AsnRange, cache: Map<number, PoolNetwork | null>): PoolNetwork | null {
  const cached = cache.get(range.asn);
  if (cached !== undefined) return cached;
  const parsed: ParsedIp = {
    canonical: v4IntToString(range.start),
    version: 4,
    v4Int: range.start,
    range: 'unicast',
  };
  const info = classifyNetwork({ asn: range.asn, org: range.org }, parsed);
  let network: PoolNetwork | null;
  switch (info.type) {
    case 'residential':
    case 'mobile':
    case 'hosting':
      network = info.type;
      break;
    case 'anonymizing':
      network = info.anonymizer === 'tor' ? 'tor' : 'vpn';
      break;
    case 'private':
    case 'unknown':
      network = null;
      break;
    default: {
      const never: never = info.type;
      throw new Error(`unexpected network type ${String(never)}`);
    }
  }
  cache.set(range.asn, network);
  return network;
}

function cityFor(
  geo: GeoLocation,
  location: RecordLocation,
  byKey: Map<string, PoolCity>,
  cities: PoolCity[],
): PoolCity {
  const key = cityKey(location);
  let city = byKey.get(key);
  if (city === undefined) {
    city = {
      id: cities.length,
      key,
      country: location.country,
      name: location.city,
      lat: geo.lat ?? 0,
      lon: geo.lon ?? 0,
      timezone: geo.timezone ?? 'UTC',
      residential: [],
      mobile: [],
      hosting: [],
      anonymizing: [],
    };
    if (location.region !== undefined) city.region = location.region;
    byKey.set(key, city);
    cities.push(city);
  }
  return city;
}

/** The first address of the /24 holding an address (unsigned: `&` alone would go negative above 2^31). */
function slash24(int: number): number {
  return (int & ~0xff) >>> 0;
}

/** `country|region|city` of a location. */
export function cityKey(location: { country: string; region?: string; city?: string }): string {
  return `${location.country}|${location.region ?? ''}|${location.city ?? ''}`;
}

function sameCity(location: RecordLocation, city: PoolCity): boolean {
  return location.city === city.name && location.country === city.country && location.region === city.region;
}

/** The record's location fields from a GeoIP answer; `undefined` when GeoIP has no city. */
function toRecordLocation(geo: GeoLocation): RecordLocation | undefined {
  if (geo.city === undefined) return undefined;
  // Built in contract order (country, region, city, lat, lon) so JSON lines read naturally.
  const location: RecordLocation =
    geo.region !== undefined
      ? { country: geo.country, region: geo.region, city: geo.city }
      : { country: geo.country, city: geo.city };
  if (geo.lat !== undefined) location.lat = geo.lat;
  if (geo.lon !== undefined) location.lon = geo.lon;
  return location;
}
